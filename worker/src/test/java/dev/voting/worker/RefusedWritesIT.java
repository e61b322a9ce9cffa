package dev.voting.worker;

import dev.voting.shared.json.Json;
import dev.voting.shared.vote.Vote;
import dev.voting.shared.vote.VoteCodec;
import dev.voting.testkit.ApiClient;
import dev.voting.testkit.Isolated;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * PostgreSQL refusing a write is dead-lettered only when the vote itself is at fault, and then that
 * vote alone; any other refusal (read-only after a failover, permissions, a stale plan) holds the
 * batch like an outage, and the worker says it is not ready.
 */
class RefusedWritesIT {
    private static final VoteCodec CODEC = new VoteCodec(Json.newMapper());

    @Test
    void aDatabaseRefusingWritesForANonDataReasonHoldsTheVotesAndTheWorkerIsNotReady() throws Exception {
        try (Isolated env = Isolated.create();
             WorkerApplication worker = WorkerApplication.start(WorkerConfig.from(env.environment()));
             ApiClient ops = new ApiClient(worker.metricsPort())) {
            String deadLetterQueue = env.config().rabbit().deadLetterQueue();
            long pollId = poll(env);
            long candidate = env.queryLong("SELECT min(id) FROM candidates WHERE poll_id = ?", pollId);
            // As a primary demoted by a failover answers: SQLSTATE 25006, only in this test's schema.
            execute(env, """
                    CREATE FUNCTION refuse_writes() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                        RAISE EXCEPTION 'cannot execute INSERT in a read-only transaction' USING ERRCODE = 'read_only_sql_transaction';
                    END $$""");
            execute(env, "CREATE TRIGGER refuse_writes BEFORE INSERT ON votes FOR EACH STATEMENT EXECUTE FUNCTION refuse_writes()");

            List<Vote> votes = new ArrayList<>();
            for (int message = 0; message < 3; message++) {
                List<Vote> batch = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    batch.add(vote(pollId, candidate, "voter-" + message + "-" + i, "127.0.0.1"));
                }
                publish(env, batch);
                votes.addAll(batch);
            }
            await(() -> notReadyFor(ops, "PostgreSQL"));
            Thread.sleep(1_000);  // a few retries more
            assertEquals(0, env.messagesReady(deadLetterQueue), "a refusal that is not about the data dead-letters nothing");
            assertEquals(0, env.queryLong("SELECT count(*) FROM votes WHERE poll_id = ?", pollId));
            assertTrue(notReadyFor(ops, "PostgreSQL"), "still holding votes it cannot write");

            execute(env, "DROP TRIGGER refuse_writes ON votes");
            await(() -> env.queryLong("SELECT count(*) FROM votes WHERE poll_id = ?", pollId) == votes.size());
            await(() -> ops.get("/readyz").status() == 200);
            assertEquals(votes.size(), env.queryLong("SELECT votes FROM candidate_counts WHERE candidate_id = ?", candidate),
                    "every vote counted exactly once");
            assertEquals(0, env.queryLong("SELECT count(*) FROM rejected_votes WHERE poll_id = ?", pollId));
            assertEquals(0, env.messagesReady(deadLetterQueue));
            assertEquals(0, env.messagesReady(env.queue()));
        }
    }

    @Test
    void oneBadVoteIsDeadLetteredAloneAndTheOtherVotesOfItsMessageAreCounted() throws Exception {
        try (Isolated env = Isolated.create();
             DeadLetters dlq = new DeadLetters(env.config().rabbit())) {
            String deadLetterQueue = env.config().rabbit().deadLetterQueue();
            long pollId = poll(env);
            long candidate = env.queryLong("SELECT min(id) FROM candidates WHERE poll_id = ?", pollId);
            // The decoder checks voter ids, not client addresses; PostgreSQL's text refuses NUL (class 22).
            Vote bad = vote(pollId, candidate, "mallory", "127.0.0.1\u0000");
            List<Vote> message = List.of(vote(pollId, candidate, "alice", "127.0.0.1"), vote(pollId, candidate, "bob", "127.0.0.1"),
                    bad, vote(pollId, candidate, "carol", "127.0.0.1"), vote(pollId, candidate, "dave", "127.0.0.1"));

            try (WorkerApplication worker = WorkerApplication.start(WorkerConfig.from(env.environment()))) {
                publish(env, message);
                await(() -> env.messagesReady(deadLetterQueue) >= 1
                        && env.queryLong("SELECT count(*) FROM votes WHERE poll_id = ?", pollId) == 4);
                Thread.sleep(500);  // time for a wrong second dead letter or a redelivery
            }
            Thread.sleep(500);  // an unacked message goes back to the queue once the worker's channel closes

            assertEquals(4, env.queryLong("SELECT votes FROM candidate_counts WHERE candidate_id = ?", candidate));
            assertEquals(0, env.queryLong("SELECT count(*) FROM votes WHERE id = ?", bad.voteId()));
            List<DeadLetters.Letter> letters = dlq.list();
            assertEquals(1, letters.size(), "one dead letter");
            DeadLetters.Letter letter = letters.getFirst();
            List<Vote> deadVotes = CODEC.decode(letter.type(), letter.body());
            assertEquals(List.of(bad.voteId()), deadVotes.stream().map(Vote::voteId).toList(), "holding the bad vote alone");
            assertTrue(letter.reason().contains("SQLSTATE 22"), letter.reason());
            assertEquals(0, env.messagesReady(env.queue()), "the message was settled, not left to be redelivered");
        }
    }

    private static boolean notReadyFor(ApiClient ops, String dependency) {
        ApiClient.Reply ready = ops.get("/readyz");
        if (ready.status() != 503) {
            return false;
        }
        for (var down : ready.json().path("down")) {
            if (down.asText().equals(dependency)) {
                return true;
            }
        }
        return false;
    }

    private static Vote vote(long pollId, long candidateId, String voter, String clientIp) {
        return new Vote(UUID.randomUUID(), pollId, candidateId, voter, Instant.now(), clientIp, null);
    }

    private static void publish(Isolated env, List<Vote> votes) {
        VoteCodec.Encoded message = CODEC.encode(votes);
        env.publishRaw(message.type(), message.body());
    }

    private static void execute(Isolated env, String sql) throws SQLException {
        try (Connection connection = env.database().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static long poll(Isolated env) throws SQLException {
        return WorkerFixtures.onePoll(env, "refused");
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        WorkerFixtures.await(condition);
    }
}
