package dev.voting.worker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import dev.voting.shared.json.Json;
import dev.voting.shared.vote.Vote;
import dev.voting.shared.vote.VoteCodec;
import dev.voting.testkit.Isolated;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** {@code make dlq} shows why each message is there; {@code make dlq-replay} counts nothing twice (G2, G6). */
class DeadLettersIT {
    private static final VoteCodec CODEC = new VoteCodec(Json.newMapper());

    @Test
    void deadLettersShowTheirReasonAndReplayingCountsNothingTwice() throws Exception {
        try (Isolated env = Isolated.create();
             WorkerApplication worker = WorkerApplication.start(WorkerConfig.from(env.environment()));
             DeadLetters dlq = new DeadLetters(env.config().rabbit())) {
            String deadLetterQueue = env.config().rabbit().deadLetterQueue();
            long pollId = poll(env);
            long candidate = env.queryLong("SELECT min(id) FROM candidates WHERE poll_id = ?", pollId);

            byte[] poison = "{\"this is\": \"not a vote\"}".getBytes(StandardCharsets.UTF_8);
            env.publishRaw("vote", poison);
            await(() -> env.messagesReady(deadLetterQueue) == 1);
            List<DeadLetters.Letter> letters = dlq.list();
            assertEquals(1, letters.size());
            assertTrue(letters.getFirst().reason().startsWith("not a vote message"), letters.getFirst().reason());
            assertEquals(env.queue(), letters.getFirst().sourceQueue());

            Vote counted = vote(pollId, candidate, "ivan");
            publish(env, env.queue(), counted);
            await(() -> countedVotes(env, pollId) == 1);
            // As the broker would after the delivery limit: a vote already counted, and one never counted.
            Vote neverCounted = vote(pollId, candidate, "judy");
            publish(env, deadLetterQueue, counted);
            publish(env, deadLetterQueue, neverCounted);
            // Listing left the poison in place: the broker hands it back (asynchronously) beside the two.
            await(() -> env.messagesReady(deadLetterQueue) == 3);

            assertEquals(3, dlq.replay());
            await(() -> countedVotes(env, pollId) == 2 && env.messagesReady(deadLetterQueue) == 1);
            assertEquals(1, dlq.replay(), "the poison message came back, and only it");
            await(() -> env.messagesReady(deadLetterQueue) == 1 && env.messagesReady(env.queue()) == 0);
            assertEquals(Map.of(candidate, 2L), env.queryPairs(
                    "SELECT candidate_id, votes FROM candidate_counts WHERE poll_id = ? AND votes > 0", pollId));
            assertEquals(2, countedVotes(env, pollId));
            assertEquals(0, env.queryLong("SELECT count(*) FROM rejected_votes WHERE poll_id = ?", pollId),
                    "a replayed vote that was counted is a duplicate, not a second vote");
            assertEquals(new String(poison, StandardCharsets.UTF_8), new String(dlq.list().getFirst().body(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aDeletedDeadLetterQueueIsDeclaredAgainRatherThanLosingPoison() throws Exception {
        try (Isolated env = Isolated.create();
             WorkerApplication worker = WorkerApplication.start(WorkerConfig.from(env.environment()))) {
            String deadLetterQueue = env.config().rabbit().deadLetterQueue();
            try (Channel channel = env.rabbit().createChannel()) {
                channel.queueDelete(deadLetterQueue);
            }
            byte[] poison = "not a vote, and nowhere to go".getBytes(StandardCharsets.UTF_8);
            env.publishRaw("vote", poison);
            await(() -> queueExists(env, deadLetterQueue) && env.messagesReady(deadLetterQueue) == 1);
            try (DeadLetters dlq = new DeadLetters(env.config().rabbit())) {
                DeadLetters.Letter letter = dlq.list().getFirst();
                assertEquals(new String(poison, StandardCharsets.UTF_8), new String(letter.body(), StandardCharsets.UTF_8));
                assertTrue(letter.reason().startsWith("not a vote message"), letter.reason());
            }
            assertEquals(0, env.messagesReady(env.queue()));
        }
    }

    private static boolean queueExists(Isolated env, String queue) {
        try (Channel channel = env.rabbit().createChannel()) {
            channel.queueDeclarePassive(queue);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static long countedVotes(Isolated env, long pollId) {
        return env.queryLong("SELECT count(*) FROM votes WHERE poll_id = ?", pollId);
    }

    private static Vote vote(long pollId, long candidateId, String voter) {
        return new Vote(UUID.randomUUID(), pollId, candidateId, voter, Instant.now(), "127.0.0.1", null);
    }

    private static void publish(Isolated env, String queue, Vote vote) throws Exception {
        VoteCodec.Encoded message = CODEC.encode(List.of(vote));
        try (Channel channel = env.rabbit().createChannel()) {
            channel.confirmSelect();
            channel.basicPublish("", queue, new AMQP.BasicProperties.Builder().deliveryMode(2)
                    .contentType(VoteCodec.CONTENT_TYPE).type(message.type()).build(), message.body());
            channel.waitForConfirmsOrDie(5_000);
        }
    }

    private static long poll(Isolated env) throws SQLException {
        return WorkerFixtures.onePoll(env, "dlq");
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        WorkerFixtures.await(condition);
    }
}
