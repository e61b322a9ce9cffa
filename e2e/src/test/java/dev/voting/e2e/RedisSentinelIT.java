package dev.voting.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.voting.api.ApiConfig;
import dev.voting.api.app.ApiApplication;
import dev.voting.testkit.ApiClient;
import dev.voting.testkit.Isolated;
import dev.voting.testkit.Services;
import dev.voting.testkit.process.LocalRedis;
import dev.voting.testkit.process.LocalRedisSentinels;
import dev.voting.worker.WorkerApplication;
import dev.voting.worker.WorkerConfig;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Redis behind Sentinels ({@code REDIS_SENTINELS}, {@code REDIS_MASTER_NAME}): the master is killed
 * while votes arrive, the Sentinels promote the replica, and the API and the worker follow it with no
 * restart. Every answer stays true through it (a 202 counted, a "not recorded" not counted, a 409
 * naming the counted vote, even for votes whose markers the old master took with it), and the live
 * counts on the new master converge to PostgreSQL's.
 */
class RedisSentinelIT {
    private static final int EARLY_VOTERS = 30;

    @Test
    void votesStayTrueWhenTheSentinelsPromoteTheReplica() throws Exception {
        if (!LocalRedis.available()) {  // the shared Redis is a single server: the failover needs servers of the test's own
            throw Services.missing("needs redis-server installed locally, to run a master, a replica and three Sentinels");
        }
        try (LocalRedisSentinels redis = new LocalRedisSentinels(Path.of("target", "redis-sentinel")).start();
             Isolated env = Isolated.create(Map.of("REDIS_URL", redis.url(), "REDIS_SENTINELS", redis.sentinels(),
                     "REDIS_MASTER_NAME", LocalRedisSentinels.MASTER_NAME));
             ApiApplication api = ApiApplication.start(ApiConfig.from(env.environment()), Clock.systemUTC());
             WorkerApplication worker = WorkerApplication.start(WorkerConfig.from(env.environment()));
             ApiClient client = new ApiClient(api.port())) {
            JsonNode created = client.createPoll("Sentinel failover", "A", "B");
            long poll = created.path("id").asLong();
            long a = created.path("candidates").get(0).path("id").asLong();
            long b = created.path("candidates").get(1).path("id").asLong();
            Map<String, String> counted = new HashMap<>();   // voter → the vote id an answer promised counts
            Set<String> notRecorded = new HashSet<>();

            for (int i = 0; i < EARLY_VOTERS; i++) {
                ApiClient.Reply reply = client.vote(poll, "early-" + i, a);
                assertEquals(202, reply.status(), reply.body());
                counted.put("early-" + i, reply.json().path("voteId").asText());
            }
            Checks.awaitCounted(env, poll, EARLY_VOTERS, Duration.ofSeconds(30));

            redis.killMaster();
            // Votes keep arriving through the failover: each first vote settles to a definite answer.
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            int during = 0;
            while (redis.currentMasterPort() != redis.replicaPort() || during < 20) {
                assertTrue(System.nanoTime() < deadline, "the Sentinels promoted no replica within 60 s");
                String voter = "during-" + during++;
                settle(client, poll, voter, b, counted, notRecorded);
            }

            for (int i = 0; i < EARLY_VOTERS; i++) {
                ApiClient.Reply repeat = definite(client, poll, "early-" + i, b);
                assertEquals(409, repeat.status(), "the new master lost the early markers; the answer may not: " + repeat.body());
                assertEquals(counted.get("early-" + i), repeat.json().path("voteId").asText(), "the 409 names the counted vote");
                assertEquals(a, repeat.json().path("candidateId").asLong());
            }
            for (int i = 0; i < 20; i++) {
                ApiClient.Reply late = definite(client, poll, "late-" + i, b);
                assertEquals(202, late.status(), "first votes are taken on the new master: " + late.body());
                counted.put("late-" + i, late.json().path("voteId").asText());
            }

            Checks.awaitCounted(env, poll, counted.size(), Duration.ofSeconds(60));
            for (Map.Entry<String, String> promised : counted.entrySet()) {
                assertEquals(1, env.queryLong("SELECT count(*) FROM votes WHERE poll_id = ? AND voter_id = ? AND id = ?::uuid",
                        poll, promised.getKey(), promised.getValue()), "the vote promised to " + promised.getKey() + " counts");
            }
            for (String voter : notRecorded) {
                assertEquals(0, env.queryLong("SELECT count(*) FROM votes WHERE poll_id = ? AND voter_id = ?", poll, voter),
                        voter + " was told 'not recorded'");
            }
            assertEquals(counted.size(), env.queryLong("SELECT count(*) FROM votes WHERE poll_id = ?", poll), "nothing else counts");
            awaitLiveCounts(redis.replicaPort(), env, poll, a, b);
        }
    }

    /** A first vote during the failover: a 202 is recorded as a promise, a "not recorded" as a vote that must not count. */
    private static void settle(ApiClient client, long poll, String voter, long candidate, Map<String, String> counted,
                               Set<String> notRecorded) throws InterruptedException {
        ApiClient.Reply reply = definite(client, poll, voter, candidate);
        switch (reply.status()) {
            case 202 -> counted.put(voter, reply.json().path("voteId").asText());
            case 503 -> notRecorded.add(voter);
            default -> throw new AssertionError("a first vote during the failover got " + reply.status() + ": " + reply.body());
        }
    }

    /** Retries an outcome_unknown (the retry settles it) until the answer is definite. */
    private static ApiClient.Reply definite(ApiClient client, long poll, String voter, long candidate) throws InterruptedException {
        for (int attempt = 0; attempt < 100; attempt++) {
            ApiClient.Reply reply = client.vote(poll, voter, candidate);
            if (reply.status() != 503 || !reply.type().endsWith("outcome_unknown")) {
                return reply;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(voter + "'s vote stayed in doubt for 100 tries");
    }

    /** The worker writes absolute counts after each batch: the new master ends level with PostgreSQL. */
    private static void awaitLiveCounts(int masterPort, Isolated env, long poll, long a, long b) throws InterruptedException {
        String key = env.config().redis().keyPrefix() + "counts:" + poll;
        long expectedA = env.queryLong("SELECT count(*) FROM votes WHERE poll_id = ? AND candidate_id = ?", poll, a);
        long expectedB = env.queryLong("SELECT count(*) FROM votes WHERE poll_id = ? AND candidate_id = ?", poll, b);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Map<String, String> live = Map.of();
        try (Jedis master = new Jedis(new HostAndPort("127.0.0.1", masterPort))) {
            while (System.nanoTime() < deadline) {
                live = master.hgetAll(key);
                if (Long.toString(expectedA).equals(live.get(Long.toString(a))) && Long.toString(expectedB).equals(live.get(Long.toString(b)))) {
                    return;
                }
                Thread.sleep(200);
            }
        }
        throw new AssertionError("Redis counts " + live + " never reached PostgreSQL's " + a + "=" + expectedA + ", " + b + "=" + expectedB);
    }
}
