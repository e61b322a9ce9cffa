package dev.voting.worker;

import dev.voting.shared.db.Jdbc;
import dev.voting.shared.vote.Vote;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Writes a batch of votes in ONE transaction: the valid ones inserted with {@code ON CONFLICT DO
 * NOTHING}, the counts raised by exactly what was inserted ({@link CandidateCounts}, G3), the
 * others recorded with their reason. Validation is part of the insert, against the poll rows as they are at commit time: the
 * candidate belongs to the poll and the poll was open at {@code acceptedAt} (G8).
 *
 * <p>Deadlock freedom: rows are inserted in (poll, voter) order and count rows locked in candidate
 * order, and a transaction takes count locks only after all its inserts, so that two workers never
 * wait on each other in a cycle.
 */
final class VoteWriter {
    /** Earliest accepted first, so that of two votes by one voter in one batch the first one counts. */
    static final Comparator<Vote> WRITE_ORDER = Comparator.comparingLong(Vote::pollId)
            .thenComparing(Vote::voterId)
            .thenComparing(Vote::acceptedAt)
            .thenComparing(Vote::voteId);

    private static final String INSERT_VALID = """
            WITH input AS (
                SELECT id, poll_id, candidate_id, voter_id, client_ip, position,
                       'epoch'::timestamptz + accepted_us * interval '1 microsecond' AS accepted_at
                  FROM unnest(?::uuid[], ?::bigint[], ?::bigint[], ?::text[], ?::bigint[], ?::text[])
                       WITH ORDINALITY AS t(id, poll_id, candidate_id, voter_id, accepted_us, client_ip, position)
            )
            INSERT INTO votes (id, poll_id, candidate_id, voter_id, accepted_at, client_ip)
            SELECT i.id, i.poll_id, i.candidate_id, i.voter_id, i.accepted_at, i.client_ip
              FROM input i
              JOIN candidates c ON c.id = i.candidate_id AND c.poll_id = i.poll_id
              JOIN polls p ON p.id = i.poll_id
             WHERE i.accepted_at < coalesce(p.closed_at, 'infinity')
               AND i.accepted_at < coalesce(p.closes_at, 'infinity')
             ORDER BY i.position
            ON CONFLICT DO NOTHING
            RETURNING id""";

    // The votes not inserted: a redelivery of a counted vote (reason null), or a rejection. The
    // poll id lets PostgreSQL look in the one partition of votes that can hold the vote.
    private static final String RECORD_REJECTED = """
            WITH input AS (
                SELECT id, poll_id, candidate_id, voter_id,
                       'epoch'::timestamptz + accepted_us * interval '1 microsecond' AS accepted_at
                  FROM unnest(?::uuid[], ?::bigint[], ?::bigint[], ?::text[], ?::bigint[])
                       AS t(id, poll_id, candidate_id, voter_id, accepted_us)
            ), judged AS (
                SELECT i.*, CASE
                         WHEN EXISTS (SELECT 1 FROM votes v WHERE v.id = i.id AND v.poll_id = i.poll_id) THEN NULL
                         WHEN p.id IS NULL THEN 'unknown_poll'
                         WHEN c.id IS NULL THEN 'unknown_candidate'
                         WHEN i.accepted_at >= least(coalesce(p.closed_at, 'infinity'), coalesce(p.closes_at, 'infinity'))
                              THEN 'poll_closed'
                         ELSE 'already_voted'
                       END AS reason
                  FROM input i
                  LEFT JOIN polls p ON p.id = i.poll_id
                  LEFT JOIN candidates c ON c.id = i.candidate_id AND c.poll_id = i.poll_id
            )
            INSERT INTO rejected_votes (vote_id, poll_id, candidate_id, voter_id, reason, accepted_at)
            SELECT id, poll_id, candidate_id, voter_id, reason, accepted_at FROM judged WHERE reason IS NOT NULL
            ON CONFLICT (vote_id) DO NOTHING
            RETURNING reason""";

    private static final String RECORD_VOTERS =
            "INSERT INTO users (id) SELECT id FROM unnest(?::text[]) WITH ORDINALITY AS t(id, position) ORDER BY position ON CONFLICT DO NOTHING";

    private final DataSource dataSource;

    VoteWriter(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    BatchResult write(List<Vote> batch) throws SQLException {
        List<Vote> votes = uniqueInWriteOrder(batch);
        try (Connection connection = dataSource.getConnection()) {
            return Jdbc.inTransaction(connection, c -> write(c, votes));
        }
    }

    private BatchResult write(Connection connection, List<Vote> votes) throws SQLException {
        Set<UUID> inserted = insertValid(connection, votes);
        List<Vote> counted = new ArrayList<>(inserted.size());
        List<Vote> notInserted = new ArrayList<>();
        for (Vote vote : votes) {
            (inserted.contains(vote.voteId()) ? counted : notInserted).add(vote);
        }
        Map<String, Integer> rejected = notInserted.isEmpty() ? Map.of() : recordRejected(connection, notInserted);
        int duplicates = notInserted.size() - rejected.values().stream().mapToInt(Integer::intValue).sum();
        if (!counted.isEmpty()) {
            CandidateCounts.raise(connection, counted);
            recordVoters(connection, counted);
        }
        Set<Long> polls = new TreeSet<>();
        votes.forEach(v -> polls.add(v.pollId()));
        return new BatchResult(counted, rejected, duplicates, CandidateCounts.read(connection, polls));
    }

    private static Set<UUID> insertValid(Connection connection, List<Vote> votes) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT_VALID)) {
            VoteColumns.of(votes).bind(connection, insert, true);
            Set<UUID> inserted = new HashSet<>(votes.size() * 2);
            try (ResultSet rs = insert.executeQuery()) {
                while (rs.next()) {
                    inserted.add(rs.getObject(1, UUID.class));
                }
            }
            return inserted;
        }
    }

    private static Map<String, Integer> recordRejected(Connection connection, List<Vote> votes) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(RECORD_REJECTED)) {
            VoteColumns.of(votes).bind(connection, insert, false);
            Map<String, Integer> byReason = new TreeMap<>();
            try (ResultSet rs = insert.executeQuery()) {
                while (rs.next()) {
                    byReason.merge(rs.getString(1), 1, Integer::sum);
                }
            }
            return byReason;
        }
    }

    private static void recordVoters(Connection connection, List<Vote> counted) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(RECORD_VOTERS)) {
            insert.setArray(1, connection.createArrayOf("text", counted.stream().map(Vote::voterId).distinct().sorted().toArray()));
            insert.executeUpdate();
        }
    }

    /**
     * The batch in write order, each vote once: the same vote delivered twice in one batch (a
     * redelivery racing its original) sorts next to itself, since the order ends with the vote id.
     */
    static List<Vote> uniqueInWriteOrder(List<Vote> batch) {
        List<Vote> sorted = new ArrayList<>(batch);
        sorted.sort(WRITE_ORDER);
        List<Vote> unique = new ArrayList<>(sorted.size());
        for (Vote vote : sorted) {
            if (unique.isEmpty() || !unique.getLast().voteId().equals(vote.voteId())) {
                unique.add(vote);
            }
        }
        return unique;
    }
}
