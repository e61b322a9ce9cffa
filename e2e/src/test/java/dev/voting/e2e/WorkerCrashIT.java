package dev.voting.e2e;

import dev.voting.api.ApiConfig;
import dev.voting.worker.WorkerConfig;
import com.fasterxml.jackson.databind.JsonNode;
import dev.voting.api.app.ApiApplication;
import dev.voting.testkit.ApiClient;
import dev.voting.testkit.Isolated;
import dev.voting.worker.WorkerApplication;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A worker stopped abruptly after its commit and before its Redis write and acks (G2, G4): the
 * broker redelivers the batch, the next worker counts nothing twice and brings Redis level.
 */
class WorkerCrashIT {
    private static final int VOTES = 300;

    /** What a crash does to the thread that hits it: nothing after this point runs. */
    private static final class SimulatedCrash extends Error {
        SimulatedCrash() {
            super("simulated crash after commit", null, false, false);
        }
    }

    @Test
    void crashBetweenCommitAndAckCountsNothingTwiceAndRedisConverges() throws Exception {
        try (Isolated env = Isolated.create(Map.of("WORKER_LANES", "1", "WORKER_BATCH_MAX_WAIT_MS", "200"));
             ApiApplication api = ApiApplication.start(ApiConfig.from(env.environment()), Clock.systemUTC());
             ApiClient client = new ApiClient(api.port())) {
            JsonNode poll = client.createPoll("Crash", "Left", "Right");
            long pollId = poll.path("id").asLong();
            long left = poll.path("candidates").get(0).path("id").asLong();
            long right = poll.path("candidates").get(1).path("id").asLong();
            Map<Long, Long> expected = new HashMap<>(Map.of(left, 0L, right, 0L));
            for (int i = 0; i < VOTES; i++) {
                long candidate = i % 3 == 0 ? right : left;
                assertEquals(202, client.vote(pollId, "crash-voter-" + i, candidate).status());
                expected.merge(candidate, 1L, Long::sum);
            }

            CountDownLatch crashed = new CountDownLatch(1);
            AtomicReference<WorkerApplication> doomed = new AtomicReference<>();
            doomed.set(WorkerApplication.start(WorkerConfig.from(env.environment()), result -> {
                doomed.get().abortBrokerConnection();
                crashed.countDown();
                throw new SimulatedCrash();
            }));
            assertTrue(crashed.await(30, TimeUnit.SECONDS), "the worker committed a batch");
            doomed.get().close();

            long committed = env.queryLong("SELECT count(*) FROM votes WHERE poll_id = ?", pollId);
            assertTrue(committed > 0, "the batch was committed before the crash");
            assertEquals(committed, env.queryLong("SELECT sum(votes) FROM candidate_counts WHERE poll_id = ?", pollId));
            assertEquals(0, env.redis().hlen(env.config().redis().keyPrefix() + "counts:" + pollId),
                    "the crash came before Redis was written");

            try (WorkerApplication survivor = WorkerApplication.start(WorkerConfig.from(env.environment()))) {
                Checks.awaitCounted(env, pollId, VOTES, Duration.ofSeconds(30));
                Checks.assertExact(env, client, pollId, expected);
            }
            assertEquals(0, env.queryLong("SELECT count(*) FROM rejected_votes WHERE poll_id = ?", pollId),
                    "the redelivered votes are recognised as already counted, not as repeats");
        }
    }
}
