package dev.voting.api.vote;

import dev.voting.api.ApiConfig;
import com.fasterxml.jackson.databind.JsonNode;
import dev.voting.api.app.ApiApplication;
import dev.voting.testkit.ApiClient;
import dev.voting.testkit.Isolated;
import dev.voting.testkit.Services;
import dev.voting.testkit.process.LocalRedis;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * When Redis cannot say whether a voter already voted (it is down, or answers errors such as OOM or
 * READONLY), the API asks PostgreSQL: a voter with a counted vote gets 409 naming it; anyone else
 * gets 503 "not recorded" with Retry-After, and nothing is queued. Never a 500, and never a 202 that
 * a vote still in the queue could break (G9). Meanwhile {@code /readyz} stays 200, naming Redis as degraded.
 */
class RedisOutageIT {

    @Test
    void withoutRedisAFirstVoteIsNotRecordedAndARepeatNamesTheCountedVote() {
        requireLocalRedis();
        try (LocalRedis redis = new LocalRedis(Path.of("target", "redis-outage-down")).start();
             Isolated env = Isolated.create(Map.of("REDIS_URL", redis.url()));
             ApiApplication api = ApiApplication.start(ApiConfig.from(env.environment()), Clock.systemUTC());
             ApiClient client = new ApiClient(api.port())) {
            Ballot ballot = Ballot.create(client, env, "Redis down");
            redis.kill();
            ballot.assertEveryCallInFlightAtTheCrashIs503();
            ApiClient.Reply ready = client.get("/readyz");
            assertEquals(200, ready.status(), "votes are still answered truthfully, so the API stays ready: " + ready.body());
            assertEquals("[\"Redis\"]", ready.json().path("degraded").toString());
            assertEquals(200, client.get("/healthz").status());

            ballot.assertNotRecorded("nina");
            ballot.assertNamesCountedVote();
        }
    }

    @Test
    void redisErrorRepliesAreAnsweredFromPostgresqlNever500() {
        requireLocalRedis();
        try (LocalRedis redis = new LocalRedis(Path.of("target", "redis-outage-errors")).start();
             Isolated env = Isolated.create(Map.of("REDIS_URL", redis.url()));
             ApiApplication api = ApiApplication.start(ApiConfig.from(env.environment()), Clock.systemUTC());
             ApiClient client = new ApiClient(api.port());
             RedisClient admin = RedisClient.create(java.net.URI.create(redis.url()))) {
            Ballot ballot = Ballot.create(client, env, "Redis errors");

            admin.configSet("maxmemory-policy", "noeviction");
            admin.configSet("maxmemory", "1");  // every write now fails with OOM
            ballot.assertNotRecorded("olive");
            ballot.assertNamesCountedVote();
            admin.configSet("maxmemory", "0");

            admin.sendCommand(Protocol.Command.REPLICAOF, "127.0.0.1", "1");  // a replica of nobody: every write fails with READONLY
            ballot.assertNotRecorded("rita");
            ballot.assertNamesCountedVote();
            admin.sendCommand(Protocol.Command.REPLICAOF, "NO", "ONE");

            assertEquals(202, client.vote(ballot.pollId, "olive", ballot.a).status(), "Redis is back: the vote is taken");
        }
    }

    private static void requireLocalRedis() {
        if (!LocalRedis.available()) {  // stopping the shared Redis would break everyone else's tests
            throw Services.missing("needs redis-server installed locally, to stop a Redis of the test's own");
        }
    }

    /** A poll with a vote counted in PostgreSQL (for "vic") and nothing else. */
    private record Ballot(ApiClient client, Isolated env, long pollId, long a, long b, UUID counted) {
        static Ballot create(ApiClient client, Isolated env, String title) {
            JsonNode poll = client.createPoll(title, "A", "B");
            long pollId = poll.path("id").asLong();
            long a = poll.path("candidates").get(0).path("id").asLong();
            long b = poll.path("candidates").get(1).path("id").asLong();
            UUID counted = UUID.randomUUID();
            env.queryLong("INSERT INTO votes (id, poll_id, candidate_id, voter_id, accepted_at) VALUES (?, ?, ?, 'vic', now()) RETURNING 1",
                    counted, pollId, a);
            return new Ballot(client, env, pollId, a, b, counted);
        }

        void assertNotRecorded(String voter) {
            long queued = env.messagesReady(env.queue());
            ApiClient.Reply reply = client.vote(pollId, voter, a);
            assertEquals(503, reply.status(), reply.body());
            assertEquals("/problems/service_unavailable", reply.type(), "nothing was claimed or published: not recorded");
            assertNotNull(reply.header("Retry-After"));
            assertFalse(reply.json().path("voteId").asText().isEmpty(), "names the vote that is not recorded");
            assertEquals(queued, env.messagesReady(env.queue()), "nothing queued");
        }

        /**
         * A pooled connection to the dead Redis fails only once a script is sent on it, and then
         * nobody can tell whether the script ran: such a vote is in doubt. Each such connection fails
         * once; then a connection cannot even be had, and the answers below are definite.
         */
        void assertEveryCallInFlightAtTheCrashIs503() {
            for (int i = 0; i < 8; i++) {
                ApiClient.Reply reply = client.vote(pollId, "in-flight-" + i, a);
                assertEquals(503, reply.status(), reply.body());
                if (reply.type().equals("/problems/service_unavailable")) {
                    return;
                }
                assertEquals("/problems/outcome_unknown", reply.type(), reply.body());
            }
            fail("votes stay in doubt after Redis is gone");
        }

        void assertNamesCountedVote() {
            ApiClient.Reply repeat = client.vote(pollId, "vic", b);
            assertEquals(409, repeat.status(), repeat.body());
            assertEquals(counted.toString(), repeat.json().path("voteId").asText(), "PostgreSQL's counted vote");
            assertEquals(a, repeat.json().path("candidateId").asLong());
        }
    }
}
