package dev.voting.worker;

import dev.voting.shared.json.Json;
import dev.voting.shared.lifecycle.StartupException;
import dev.voting.shared.redis.RedisKeys;
import dev.voting.shared.vote.Vote;
import dev.voting.shared.vote.VoteCodec;
import dev.voting.testkit.Isolated;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The worker alone, fed raw messages as the API (or a broken producer) would publish them. */
class WorkerIT {
    private static Isolated env;
    private static WorkerApplication worker;
    private static final VoteCodec CODEC = new VoteCodec(Json.newMapper());

    private record TestPoll(long id, List<Long> candidates) {
    }

    @BeforeAll
    static void start() {
        env = Isolated.create();
        worker = WorkerApplication.start(WorkerConfig.from(env.environment()));
    }

    @AfterAll
    static void stop() {
        worker.close();
        env.close();
    }

    @Test
    void aTakenMetricsPortStopsTheStartNamingTheVariable() {
        WorkerConfig samePort = WorkerConfig.from(env.environment(Map.of("WORKER_METRICS_PORT", Integer.toString(worker.metricsPort()))));
        StartupException refused = assertThrows(StartupException.class, () -> WorkerApplication.start(samePort).close());
        assertTrue(refused.getMessage().contains("set WORKER_METRICS_PORT to a free port"), refused.getMessage());
    }

    @Test
    void eachVoteIsCountedOrRecordedWithItsReason() {
        TestPoll poll = poll();
        TestPoll other = poll();
        Instant now = Instant.now();
        Vote counted = vote(poll.id(), poll.candidates().get(0), "alice", now);
        Vote secondByAlice = vote(poll.id(), poll.candidates().get(1), "alice", now.plusMillis(1));
        Vote unknownPoll = vote(999_999, poll.candidates().get(0), "bob", now);
        Vote foreignCandidate = vote(poll.id(), other.candidates().get(0), "carol", now);
        for (Vote vote : List.of(counted, unknownPoll)) {  // as the API leaves them until a worker settles the vote
            env.redis().set(pendingKey(vote), "{}");
        }
        publish(List.of(secondByAlice, unknownPoll, counted, foreignCandidate));

        await(() -> env.queryLong("SELECT count(*) FROM rejected_votes WHERE vote_id = ANY(?::uuid[])",
                (Object) ids(secondByAlice, unknownPoll, foreignCandidate)) == 3);
        assertEquals(Map.of(poll.candidates().get(0), 1L, poll.candidates().get(1), 0L), counts(poll));
        assertEquals("processed", text("SELECT status::text FROM votes WHERE id = ?", counted.voteId()));
        assertEquals("already_voted", reason(secondByAlice));
        assertEquals("unknown_poll", reason(unknownPoll));
        assertEquals("unknown_candidate", reason(foreignCandidate));
        assertEquals("failed", text("SELECT status::text FROM rejected_votes WHERE vote_id = ?", unknownPoll.voteId()));
        assertEquals(1, env.queryLong("SELECT count(*) FROM users WHERE id = 'alice'"));
        assertEquals(counted.voteId() + " " + counted.candidateId(),
                env.redis().hget(new RedisKeys(env.config().redis().keyPrefix()).voterMarkers(poll.id()), "alice"), "the worker writes the voter's marker");
        await(() -> !env.redis().exists(pendingKey(counted)) && !env.redis().exists(pendingKey(unknownPoll)));
    }

    @Test
    void aRedeliveredVoteIsCountedOnceAndNotRejected() {
        TestPoll poll = poll();
        Vote vote = vote(poll.id(), poll.candidates().get(1), "dave", Instant.now());
        publish(List.of(vote));
        publish(List.of(vote));
        publish(List.of(vote(poll.id(), poll.candidates().get(0), "erin", Instant.now())));
        await(() -> env.queryLong("SELECT count(*) FROM votes WHERE poll_id = ?", poll.id()) == 2 && env.messagesReady(env.queue()) == 0);
        settle();
        assertEquals(Map.of(poll.candidates().get(0), 1L, poll.candidates().get(1), 1L), counts(poll));
        assertEquals(0, env.queryLong("SELECT count(*) FROM rejected_votes WHERE poll_id = ?", poll.id()));
    }

    @Test
    void aVoteAcceptedWhileThePollWasOpenCountsAfterItCloses() {
        TestPoll poll = poll();
        Instant closedAt = Instant.parse("2026-01-01T12:00:00Z");
        execute("UPDATE polls SET status = 'closed', closed_at = ? WHERE id = ?", java.sql.Timestamp.from(closedAt), poll.id());
        Vote inTime = vote(poll.id(), poll.candidates().get(0), "frank", closedAt.minusMillis(1));
        Vote tooLate = vote(poll.id(), poll.candidates().get(0), "grace", closedAt);
        publish(List.of(inTime, tooLate));
        await(() -> env.queryLong("SELECT count(*) FROM rejected_votes WHERE poll_id = ?", poll.id()) == 1);
        assertEquals(Map.of(poll.candidates().get(0), 1L, poll.candidates().get(1), 0L), counts(poll));
        assertEquals("poll_closed", reason(tooLate));
    }

    @Test
    void anUnreadableMessageGoesToTheDeadLetterQueueAndTheQueueMovesOn() {
        TestPoll poll = poll();
        long deadBefore = env.messagesReady(env.config().rabbit().deadLetterQueue());
        env.publishRaw("vote", "{\"this is\": \"not a vote\"}".getBytes(StandardCharsets.UTF_8));
        env.publishRaw(null, "garbage".getBytes(StandardCharsets.UTF_8));
        publish(List.of(vote(poll.id(), poll.candidates().get(0), "heidi", Instant.now())));
        await(() -> env.messagesReady(env.config().rabbit().deadLetterQueue()) == deadBefore + 2);
        await(() -> env.queryLong("SELECT count(*) FROM votes WHERE poll_id = ?", poll.id()) == 1);
        assertEquals(0, env.messagesReady(env.queue()));
    }

    private static TestPoll poll() {
        try (var connection = env.database().getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO polls (title) VALUES ('worker test') RETURNING id");
             ResultSet rs = insert.executeQuery()) {
            rs.next();
            long id = rs.getLong(1);
            List<Long> candidates = new ArrayList<>();
            for (int position = 1; position <= 2; position++) {
                try (PreparedStatement candidate = connection.prepareStatement(
                        "WITH c AS (INSERT INTO candidates (poll_id, name, position) VALUES (?, ?, ?) RETURNING id, poll_id) "
                                + "INSERT INTO candidate_counts (candidate_id, poll_id) SELECT id, poll_id FROM c RETURNING candidate_id")) {
                    candidate.setLong(1, id);
                    candidate.setString(2, "candidate " + position);
                    candidate.setInt(3, position);
                    try (ResultSet c = candidate.executeQuery()) {
                        c.next();
                        candidates.add(c.getLong(1));
                    }
                }
            }
            return new TestPoll(id, candidates);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Vote vote(long pollId, long candidateId, String voter, Instant acceptedAt) {
        return new Vote(UUID.randomUUID(), pollId, candidateId, voter, acceptedAt, "127.0.0.1", null);
    }

    private static void publish(List<Vote> votes) {
        VoteCodec.Encoded message = CODEC.encode(votes);
        env.publishRaw(message.type(), message.body());
    }

    private static String pendingKey(Vote vote) {
        return env.config().redis().keyPrefix() + "vote:" + vote.voteId();
    }

    private static Map<Long, Long> counts(TestPoll poll) {
        return env.queryPairs("SELECT candidate_id, votes FROM candidate_counts WHERE poll_id = ?", poll.id());
    }

    private static String reason(Vote vote) {
        return text("SELECT reason FROM rejected_votes WHERE vote_id = ?", vote.voteId());
    }

    private static String text(String sql, Object parameter) {
        try (var connection = env.database().getConnection(); PreparedStatement select = connection.prepareStatement(sql)) {
            select.setObject(1, parameter);
            try (ResultSet rs = select.executeQuery()) {
                assertTrue(rs.next(), sql + " found nothing");
                return rs.getString(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void execute(String sql, Object... parameters) {
        try (var connection = env.database().getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String[] ids(Vote... votes) {
        return java.util.Arrays.stream(votes).map(v -> v.voteId().toString()).toArray(String[]::new);
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            settle();
        }
        fail("condition not met within 20 s");
    }

    private static void settle() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
