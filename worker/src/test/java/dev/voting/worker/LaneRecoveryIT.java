package dev.voting.worker;

import com.rabbitmq.client.Channel;
import dev.voting.shared.json.Json;
import dev.voting.shared.vote.Vote;
import dev.voting.shared.vote.VoteCodec;
import dev.voting.testkit.Isolated;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A lane that fails in the middle of a batch closes its channel before it opens the next one, so
 * that the broker redelivers what the old channel held and no consumer is left behind taking
 * deliveries that nobody will ever ack.
 */
class LaneRecoveryIT {
    private static final VoteCodec CODEC = new VoteCodec(Json.newMapper());
    private static final int VOTES = 8;

    @Test
    void aLaneThatFailsReopensOnAFreshChannelAndEveryMessageIsAcked() throws Exception {
        AtomicInteger commits = new AtomicInteger();
        // Stands for any unexpected failure between a commit and its acks (a bug, a client library's exception).
        CommitObserver failsOnce = result -> {
            if (commits.incrementAndGet() == 1) {
                throw new IllegalStateException("injected failure after the first commit");
            }
        };
        try (Isolated env = Isolated.create(Map.of("WORKER_LANES", "1"))) {
            long pollId = WorkerFixtures.onePoll(env, "lane recovery");
            long candidate = env.queryLong("SELECT min(id) FROM candidates WHERE poll_id = ?", pollId);
            try (WorkerApplication worker = WorkerApplication.start(WorkerConfig.from(env.environment()), failsOnce)) {
                publish(env, pollId, candidate, "voter-0");
                WorkerFixtures.await(() -> commits.get() >= 1);
                for (int i = 1; i < VOTES; i++) {
                    publish(env, pollId, candidate, "voter-" + i);
                }
                WorkerFixtures.await(() -> countedVotes(env, pollId) == VOTES && commits.get() >= 2
                        && env.messagesReady(env.queue()) == 0);
                Thread.sleep(500);  // time for the redelivery of the failed batch to be written and acked
                assertEquals(1, consumers(env), "the failed channel's consumer is gone; only the new one consumes");
            }
            assertEquals(0, env.messagesReady(env.queue()),
                    "every message was acked: nothing went back to the queue when the worker's connection closed");
            assertEquals(VOTES, countedVotes(env, pollId));
            assertEquals(VOTES, env.queryLong("SELECT votes FROM candidate_counts WHERE candidate_id = ?", candidate),
                    "the redelivered batch counted nothing twice");
        }
    }

    private static void publish(Isolated env, long pollId, long candidate, String voter) {
        VoteCodec.Encoded message = CODEC.encode(List.of(
                new Vote(UUID.randomUUID(), pollId, candidate, voter, Instant.now(), "127.0.0.1", null)));
        env.publishRaw(message.type(), message.body());
    }

    private static long countedVotes(Isolated env, long pollId) {
        return env.queryLong("SELECT count(*) FROM votes WHERE poll_id = ?", pollId);
    }

    private static int consumers(Isolated env) throws Exception {
        try (Channel channel = env.rabbit().createChannel()) {
            return channel.queueDeclarePassive(env.queue()).getConsumerCount();
        }
    }
}
