package dev.voting.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.voting.testkit.ApiClient;
import dev.voting.testkit.Isolated;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** The exactness checks every end-to-end test ends with. */
final class Checks {
    private Checks() {
    }

    /** Waits until PostgreSQL holds {@code expected} votes for the poll and the queue is empty. */
    static void awaitCounted(Isolated env, long pollId, long expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long counted = -1;
        while (System.nanoTime() < deadline) {
            counted = env.queryLong("SELECT count(*) FROM votes WHERE poll_id = ?", pollId);
            if (counted >= expected && env.messagesReady(env.queue()) == 0) {
                return;
            }
            Thread.sleep(100);
        }
        fail("after " + timeout.toSeconds() + " s, " + counted + " of " + expected + " votes are counted");
    }

    /**
     * PostgreSQL's rows, its counts (G3), Redis (G4) and the results endpoint all say exactly
     * {@code expected} (candidateId → votes).
     */
    static void assertExact(Isolated env, ApiClient client, long pollId, Map<Long, Long> expected) throws InterruptedException {
        Map<Long, Long> rows = env.queryPairs(
                "SELECT c.id, count(v.id) FROM candidates c LEFT JOIN votes v ON v.candidate_id = c.id WHERE c.poll_id = ? GROUP BY c.id", pollId);
        assertEquals(expected, rows, "vote rows per candidate");
        assertEquals(expected, env.queryPairs("SELECT candidate_id, votes FROM candidate_counts WHERE poll_id = ?", pollId),
                "PostgreSQL counts equal the rows (G3)");
        assertEquals(expected, awaitRedis(env, pollId, expected), "Redis converged to PostgreSQL (G4)");
        JsonNode results = client.get("/api/v1/polls/" + pollId + "/results").json();
        Map<Long, Long> served = new HashMap<>();
        results.path("results").forEach(r -> served.put(r.path("candidateId").asLong(), r.path("votes").asLong()));
        assertEquals(expected, served, "GET /results");
        assertEquals(expected.values().stream().mapToLong(Long::longValue).sum(), results.path("totalVotes").asLong());
    }

    /** Redis is written after the commit: give the last batch a moment to land. */
    private static Map<Long, Long> awaitRedis(Isolated env, long pollId, Map<Long, Long> expected) throws InterruptedException {
        Map<Long, Long> redis = Map.of();
        for (int i = 0; i < 50; i++) {
            redis = new HashMap<>();
            for (var entry : env.redis().hgetAll(env.config().redis().keyPrefix() + "counts:" + pollId).entrySet()) {
                redis.put(Long.parseLong(entry.getKey()), Long.parseLong(entry.getValue()));
            }
            if (redis.equals(expected)) {
                return redis;
            }
            Thread.sleep(100);
        }
        return redis;
    }
}
