package dev.voting.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.voting.api.app.ApiApplication;
import dev.voting.shared.redis.RedisKeys;
import dev.voting.testkit.ApiClient;
import dev.voting.testkit.Isolated;
import dev.voting.testkit.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The API alone against the real services: no worker runs, so accepted votes wait in the queue. */
class VoteApiIT {
    private static Isolated env;
    private static ApiApplication api;
    private static ApiClient client;

    @BeforeAll
    static void start() {
        // One process: a close may take effect after 1 s instead of 5 without outrunning a cache.
        env = Isolated.create(Map.of("POLL_CACHE_TTL_SECONDS", "1", "MAX_CLOCK_SKEW_MS", "0", "POLL_CLOSE_DELAY_SECONDS", "1"));
        api = ApiApplication.start(ApiConfig.from(env.environment()), Clock.systemUTC());
        client = new ApiClient(api.port());
    }

    @AfterAll
    static void stop() {
        client.close();
        api.close();
        env.close();
    }

    @Test
    void acceptedVoteIsQueuedAndRepeatIsAnsweredWithTheOriginal() {
        JsonNode poll = client.createPoll("Lunch", "Pizza", "Sushi");
        long pollId = poll.path("id").asLong();
        long sushi = poll.path("candidates").get(1).path("id").asLong();
        long queuedBefore = env.messagesReady(env.queue());

        ApiClient.Reply accepted = client.vote(pollId, "alice", sushi);
        assertEquals(202, accepted.status(), accepted.body());
        String voteId = accepted.json().path("voteId").asText();
        assertEquals("received", accepted.json().path("status").asText());
        assertEquals(queuedBefore + 1, env.messagesReady(env.queue()));

        ApiClient.Reply repeat = client.vote(pollId, "alice", poll.path("candidates").get(0).path("id").asLong());
        assertEquals(409, repeat.status());
        assertEquals("/problems/already_voted", repeat.type());
        assertEquals(voteId, repeat.json().path("voteId").asText());
        assertEquals(sushi, repeat.json().path("candidateId").asLong());
        // No worker runs, so the original is not counted yet: the repeat makes sure it is queued by
        // sending it again (same id, counted once) before answering 409; it never queues a new vote.
        assertEquals(queuedBefore + 2, env.messagesReady(env.queue()), "the repeat re-sent the original, nothing else");
    }

    @Test
    void pendingVoteIsVisibleToItsVoterOnly() {
        JsonNode poll = client.createPoll("Colour", "Red", "Blue");
        long pollId = poll.path("id").asLong();
        String voteId = client.vote(pollId, "bob", poll.path("candidates").get(0).path("id").asLong()).json().path("voteId").asText();

        ApiClient.Reply own = client.get("/api/v1/votes/" + voteId, Tokens.voter("bob"));
        assertEquals(200, own.status(), own.body());
        assertEquals("received", own.json().path("status").asText());
        assertEquals(pollId, own.json().path("pollId").asLong());
        assertEquals(200, client.get("/api/v1/votes/" + voteId, Tokens.admin()).status());
        assertEquals(404, client.get("/api/v1/votes/" + voteId, Tokens.voter("mallory")).status());
        assertEquals(404, client.get("/api/v1/votes/" + UUID.randomUUID(), Tokens.voter("bob")).status());
    }

    @Test
    void votesAreRefusedWithPreciseProblems() {
        JsonNode poll = client.createPoll("Season", "Summer", "Winter");
        long pollId = poll.path("id").asLong();
        long queuedBefore = env.messagesReady(env.queue());

        ApiClient.Reply unknownCandidate = client.vote(pollId, "carol", 999_999);
        assertEquals(422, unknownCandidate.status());
        assertEquals("/problems/unknown_candidate", unknownCandidate.type());
        assertEquals("application/problem+json", unknownCandidate.header("Content-Type"));

        assertEquals(404, client.vote(999_999, "carol", 1).status());
        assertEquals(401, client.post("/api/v1/polls/" + pollId + "/votes", null, "{\"candidateId\":1}").status());
        assertEquals(400, client.post("/api/v1/polls/" + pollId + "/votes", Tokens.voter("carol"), "{\"candidateId\":").status());
        assertEquals(queuedBefore, env.messagesReady(env.queue()), "refusals publish nothing");
    }

    @Test
    void aCloseTakesEffectAfterTheDelayItAnnouncesAndIsNotPushedLater() throws InterruptedException {
        JsonNode poll = client.createPoll("Closing", "Yes", "No");
        long pollId = poll.path("id").asLong();
        long yes = poll.path("candidates").get(0).path("id").asLong();
        assertEquals(403, client.post("/api/v1/polls/" + pollId + "/close", Tokens.voter("dave"), "").status());
        Instant asked = Instant.now();
        ApiClient.Reply closing = client.post("/api/v1/polls/" + pollId + "/close", Tokens.admin(), "");
        assertEquals(200, closing.status(), closing.body());
        assertEquals("open", closing.json().path("status").asText(), "open until the close takes effect");
        Instant closesAt = Instant.parse(closing.json().path("closesAt").asText());
        assertTrue(!closesAt.isBefore(asked.plusMillis(900)) && closesAt.isBefore(Instant.now().plusMillis(1_100)),
                "closesAt is the close plus POLL_CLOSE_DELAY_SECONDS (1 s here): " + closesAt + ", asked at " + asked);
        assertEquals(202, client.vote(pollId, "erin", yes).status(), "a vote before closesAt is accepted (and will be counted)");
        long claimsTtl = env.redis().pttl(new RedisKeys(env.config().redis().keyPrefix()).voterMarkers(pollId));
        assertTrue(claimsTtl > Duration.ofHours(23).toMillis(), "the claims of a closed poll expire a day after its close: " + claimsTtl);

        Thread.sleep(Math.max(0, Duration.between(Instant.now(), closesAt).toMillis() + 10));
        ApiClient.Reply again = client.post("/api/v1/polls/" + pollId + "/close", Tokens.admin(), "");
        assertEquals(200, again.status(), again.body());
        assertEquals(closesAt, Instant.parse(again.json().path("closesAt").asText()), "closing again keeps the first close's time");
        assertEquals("closed", again.json().path("status").asText());
        assertEquals("closed", client.get("/api/v1/polls/" + pollId).json().path("status").asText());
        ApiClient.Reply vote = client.vote(pollId, "dave", yes);
        assertEquals(409, vote.status());
        assertEquals("/problems/poll_closed", vote.type());
        List<Long> open = new ArrayList<>();
        client.get("/api/v1/polls?status=open").json().path("items").forEach(p -> open.add(p.path("id").asLong()));
        assertFalse(open.contains(pollId), "no longer listed as open: " + open);
    }

    @Test
    void resultsComeFromPostgresWhenRedisHasNoneAndRepairRedis() {
        JsonNode poll = client.createPoll("Empty", "A", "B");
        long pollId = poll.path("id").asLong();
        ApiClient.Reply results = client.get("/api/v1/polls/" + pollId + "/results");
        assertEquals(200, results.status());
        assertEquals(0, results.json().path("totalVotes").asLong());
        assertEquals(2, results.json().path("results").size());
        assertNotNull(results.json().path("asOf").asText(null));
        assertEquals(2, env.redis().hlen(env.config().redis().keyPrefix() + "counts:" + pollId), "Redis repaired from PostgreSQL");
    }

    @Test
    void healthAndReadinessAnswerAndMetricsAreOnlyOnTheOperatorsPort() {
        assertEquals(200, client.get("/healthz").status());
        ApiClient.Reply ready = client.get("/readyz");
        assertEquals(200, ready.status(), ready.body());
        assertEquals("[]", ready.json().path("degraded").toString(), "nothing degraded");
        assertEquals(404, client.get("/metrics").status(), "nothing about the process on the public port");
        try (ApiClient ops = new ApiClient(api.metricsPort())) {
            ApiClient.Reply metrics = ops.get("/metrics");
            assertEquals(200, metrics.status());
            assertTrue(metrics.body().contains("http_server_requests_seconds"), "request metrics exported");
            assertNotEquals(-1, metrics.body().indexOf("votes_accepted_total"));
            assertEquals(200, ops.get("/readyz").status());
        }
    }
}
