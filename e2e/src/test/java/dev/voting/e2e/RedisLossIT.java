package dev.voting.e2e;

import dev.voting.api.ApiConfig;
import dev.voting.worker.WorkerConfig;
import com.fasterxml.jackson.databind.JsonNode;
import dev.voting.api.app.ApiApplication;
import dev.voting.shared.redis.RedisKeys;
import dev.voting.testkit.ApiClient;
import dev.voting.testkit.Isolated;
import dev.voting.testkit.Services;
import dev.voting.testkit.process.LocalRedis;
import dev.voting.worker.WorkerApplication;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Protocol;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Redis may lose everything at any moment; PostgreSQL's unique (poll, voter) is the truth. After
 * Redis lost its data, a repeat is never accepted for a voter whose vote is counted or still queued:
 * it is answered 409 naming the vote that counts, or 503 outcome_unknown until the workers have
 * counted it. Markers and pending records do not expire on their own (G9).
 */
class RedisLossIT {

    @Test
    void aRepeatAfterRedisLostItsDataIsAnsweredWithTheCountedVote() throws Exception {
        try (Isolated env = Isolated.create();
             ApiApplication api = ApiApplication.start(ApiConfig.from(env.environment()), Clock.systemUTC());
             WorkerApplication worker = WorkerApplication.start(WorkerConfig.from(env.environment()));
             ApiClient client = new ApiClient(api.port())) {
            Poll poll = Poll.create(client, "Redis loss after counting");
            ApiClient.Reply first = client.vote(poll.id, "ada", poll.a);
            assertEquals(202, first.status(), first.body());
            Checks.awaitCounted(env, poll.id, 1, Duration.ofSeconds(30));

            env.wipeRedis();

            ApiClient.Reply repeat = client.vote(poll.id, "ada", poll.b);
            assertEquals(409, repeat.status(), "a repeat is never accepted after Redis lost its markers: " + repeat.body());
            assertEquals(first.json().path("voteId").asText(), repeat.json().path("voteId").asText());
            assertEquals(poll.a, repeat.json().path("candidateId").asLong());

            ApiClient.Reply newcomer = client.vote(poll.id, "bob", poll.b);
            assertEquals(202, newcomer.status(), "a first vote is still taken: " + newcomer.body());
            UUID bobs = UUID.fromString(newcomer.json().path("voteId").asText());
            assertEquals(1, env.queryLong("SELECT count(*) FROM votes WHERE id = ?", bobs), "the 202 came with the count");
            ApiClient.Reply bobAgain = client.vote(poll.id, "bob", poll.a);
            assertEquals(409, bobAgain.status(), bobAgain.body());
            assertEquals(bobs.toString(), bobAgain.json().path("voteId").asText());
        }
    }

    @Test
    void aRepeatWhileTheOriginalIsStillQueuedIsNeverAccepted() throws Exception {
        try (Isolated env = Isolated.create();
             ApiApplication api = ApiApplication.start(ApiConfig.from(env.environment()), Clock.systemUTC());
             ApiClient client = new ApiClient(api.port())) {
            Poll poll = Poll.create(client, "Redis loss with a backlog");
            ApiClient.Reply first = client.vote(poll.id, "cy", poll.a);
            assertEquals(202, first.status(), first.body());
            UUID original = UUID.fromString(first.json().path("voteId").asText());
            RedisKeys keys = new RedisKeys(env.config().redis().keyPrefix());
            assertEquals(-1, env.redis().ttl(keys.voterMarkers(poll.id)), "a claim lasts while the poll is open, however long the backlog");
            assertEquals(-1, env.redis().ttl(keys.pendingVote(original)), "GET /votes/{id} finds a queued vote, however long the backlog");

            env.wipeRedis();  // no worker runs: the original is still queued

            ApiClient.Reply repeat = client.vote(poll.id, "cy", poll.b);
            assertEquals(503, repeat.status(), "no 202 while a vote of the voter may still count: " + repeat.body());
            assertEquals("/problems/outcome_unknown", repeat.type(), repeat.body());

            try (WorkerApplication worker = WorkerApplication.start(WorkerConfig.from(env.environment()))) {
                Checks.awaitCounted(env, poll.id, 1, Duration.ofSeconds(30));
                ApiClient.Reply settled = client.vote(poll.id, "cy", poll.b);
                assertEquals(409, settled.status(), settled.body());
                assertEquals(original.toString(), settled.json().path("voteId").asText(), "the 409 names the vote that counts");
                assertEquals(poll.a, settled.json().path("candidateId").asLong());
            }
            assertEquals(1, env.queryLong("SELECT count(*) FROM votes WHERE id = ?", original), "the 202'd vote is counted");
        }
    }

    @Test
    void aRedisRestartedFromAnOlderSnapshotIsNotTrusted() throws Exception {
        if (!LocalRedis.available()) {  // restarting the shared Redis would break everyone else's tests
            throw Services.missing("needs redis-server installed locally, to restart a Redis of the test's own");
        }
        try (LocalRedis redis = new LocalRedis(Path.of("target", "redis-loss-snapshot")).start();
             Isolated env = Isolated.create(Map.of("REDIS_URL", redis.url()));
             ApiApplication api = ApiApplication.start(ApiConfig.from(env.environment()), Clock.systemUTC());
             ApiClient client = new ApiClient(api.port())) {
            Poll poll = Poll.create(client, "Redis restarted from a snapshot");
            assertEquals(202, client.vote(poll.id, "early", poll.a).status());
            env.redis().sendCommand(Protocol.Command.SAVE);  // the snapshot holds Redis's epoch and the early claim
            ApiClient.Reply late = client.vote(poll.id, "late", poll.a);
            assertEquals(202, late.status(), late.body());  // queued; no worker runs

            redis.kill();
            redis.start();  // reloads the snapshot: same epoch key, but the late claim is gone
            for (int i = 0; i < 8 && client.vote(poll.id, "probe-" + i, poll.a).status() == 503; i++) {
                Thread.sleep(100);  // pooled connections to the old server fail once each
            }

            ApiClient.Reply repeat = client.vote(poll.id, "late", poll.b);
            assertEquals(503, repeat.status(), "no 202 while the late vote is still queued: " + repeat.body());
            assertEquals("/problems/outcome_unknown", repeat.type(), repeat.body());
        }
    }

    private record Poll(long id, long a, long b) {
        static Poll create(ApiClient client, String title) {
            JsonNode poll = client.createPoll(title, "A", "B");
            return new Poll(poll.path("id").asLong(), poll.path("candidates").get(0).path("id").asLong(),
                    poll.path("candidates").get(1).path("id").asLong());
        }
    }
}
