package dev.voting.api.poll;

import dev.voting.shared.db.Jdbc;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Polls, candidates and counts in PostgreSQL. */
public final class PollRepository {
    private final Jdbc jdbc;

    public PollRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public Poll create(NewPoll.Validated poll) {
        return jdbc.inTransaction(connection -> {
            long id;
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO polls (title, closes_at) VALUES (?, ?) RETURNING id")) {
                insert.setString(1, poll.title());
                insert.setTimestamp(2, poll.closesAt() == null ? null : Timestamp.from(poll.closesAt()));
                try (ResultSet rs = insert.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            }
            try (PreparedStatement candidates = connection.prepareStatement("""
                    WITH inserted AS (
                        INSERT INTO candidates (poll_id, name, position)
                        SELECT ?, name, position FROM unnest(?::text[]) WITH ORDINALITY AS t(name, position)
                        RETURNING id, poll_id)
                    INSERT INTO candidate_counts (candidate_id, poll_id) SELECT id, poll_id FROM inserted""")) {
                candidates.setLong(1, id);
                candidates.setArray(2, connection.createArrayOf("text", poll.candidateNames().toArray()));
                candidates.executeUpdate();
            }
            return load(connection, List.of(id)).getFirst();
        });
    }

    public Optional<Poll> find(long id) {
        return jdbc.read(connection -> load(connection, List.of(id)).stream().findFirst());
    }

    /**
     * Newest first, after the poll {@code beforeId} when paging; {@code openOnly} at {@code now}, the
     * API's instant, so that the filter agrees with the status the API shows.
     */
    public List<Poll> list(boolean openOnly, Instant now, Long beforeId, int limit) {
        return jdbc.read(connection -> {
            List<Long> ids = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("""
                    SELECT id FROM polls
                    WHERE (NOT ? OR coalesce(least(closes_at, closed_at), 'infinity') > ?)
                      AND (?::bigint IS NULL OR id < ?::bigint)
                    ORDER BY id DESC LIMIT ?""")) {
                select.setBoolean(1, openOnly);
                select.setTimestamp(2, Timestamp.from(now));
                select.setObject(3, beforeId);
                select.setObject(4, beforeId);
                select.setInt(5, limit);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                    }
                }
            }
            return load(connection, ids);
        });
    }

    /**
     * Records a close that takes effect {@code delay} from now by PostgreSQL's clock ({@code closed_at}
     * is that future time; {@code status} says a close was asked). A poll already closed keeps its
     * time: closing again never lets votes in for longer. Returns the poll, or empty when there is none.
     * The update is the transaction's only statement, so that the time it sets is no older than the
     * statement that makes it visible.
     */
    public Optional<Poll> close(long id, Duration delay) {
        jdbc.inTransaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE polls SET status = 'closed', closed_at = now() + ? * interval '1 millisecond' WHERE id = ? AND closed_at IS NULL")) {
                update.setLong(1, delay.toMillis());
                update.setLong(2, id);
                return update.executeUpdate();
            }
        });
        return find(id);
    }

    /** PostgreSQL's counts of a poll, candidateId → votes: the truth that Redis caches. */
    public Map<Long, Long> counts(long pollId) {
        return jdbc.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT candidate_id, votes FROM candidate_counts WHERE poll_id = ?")) {
                select.setLong(1, pollId);
                Map<Long, Long> counts = new HashMap<>();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        counts.put(rs.getLong(1), rs.getLong(2));
                    }
                }
                return counts;
            }
        });
    }

    private static List<Poll> load(Connection connection, List<Long> ids) throws SQLException {
        if (ids.isEmpty()) {
            return List.of();
        }
        Array idArray = connection.createArrayOf("bigint", ids.toArray());
        record Row(long id, String title, Instant createdAt, Instant closesAt, List<Candidate> candidates) {
        }
        Map<Long, Row> rows = new LinkedHashMap<>();
        // The earlier of the scheduled and the admin's close: the worker's rule, least() skipping nulls as it does.
        try (PreparedStatement polls = connection.prepareStatement(
                "SELECT id, title, created_at, least(closes_at, closed_at) FROM polls WHERE id = ANY(?) ORDER BY id DESC")) {
            polls.setArray(1, idArray);
            try (ResultSet rs = polls.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getLong(1), new Row(rs.getLong(1), rs.getString(2), instant(rs, 3), instant(rs, 4),
                            new ArrayList<>()));
                }
            }
        }
        try (PreparedStatement candidates = connection.prepareStatement(
                "SELECT poll_id, id, name FROM candidates WHERE poll_id = ANY(?) ORDER BY poll_id, position")) {
            candidates.setArray(1, idArray);
            try (ResultSet rs = candidates.executeQuery()) {
                while (rs.next()) {
                    rows.get(rs.getLong(1)).candidates().add(new Candidate(rs.getLong(2), rs.getString(3)));
                }
            }
        }
        return rows.values().stream()
                .map(r -> new Poll(r.id(), r.title(), r.createdAt(), r.closesAt(), List.copyOf(r.candidates())))
                .toList();
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp timestamp = rs.getTimestamp(column);
        return timestamp == null ? null : timestamp.toInstant();
    }
}
