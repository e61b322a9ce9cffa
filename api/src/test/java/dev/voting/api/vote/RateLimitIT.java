package dev.voting.api.vote;

import dev.voting.api.ApiConfig;
import com.fasterxml.jackson.databind.JsonNode;
import dev.voting.api.app.ApiApplication;
import dev.voting.testkit.ApiClient;
import dev.voting.testkit.Isolated;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Token buckets in Redis per voter and per client IP (G7): 429 with Retry-After and the RateLimit
 * headers; a refused vote queues nothing. (Without Redis no vote is taken: see RedisOutageIT.)
 */
class RateLimitIT {

    @Test
    void aVoterPastTheBurstIsRefusedWithRetryAfterAndRateLimitHeaders() {
        try (Isolated env = Isolated.create(Map.of("RATE_LIMIT_VOTER_PER_SECOND", "1", "RATE_LIMIT_VOTER_BURST", "3"));
             ApiApplication api = ApiApplication.start(ApiConfig.from(env.environment()), Clock.systemUTC());
             ApiClient client = new ApiClient(api.port())) {
            JsonNode poll = client.createPoll("Limits", "A", "B");
            long pollId = poll.path("id").asLong();
            long a = poll.path("candidates").get(0).path("id").asLong();
            assertEquals(202, client.vote(pollId, "rita", a).status());
            assertEquals(409, client.vote(pollId, "rita", a).status(), "a repeat spends a token too");
            assertEquals(409, client.vote(pollId, "rita", a).status());
            long queued = env.messagesReady(env.queue());

            ApiClient.Reply limited = client.vote(pollId, "rita", a);
            assertEquals(429, limited.status(), limited.body());
            assertEquals("/problems/rate_limited", limited.type());
            assertTrue(Integer.parseInt(limited.header("Retry-After")) >= 1);
            assertEquals("1;w=1", limited.header("RateLimit-Policy"));
            Matcher header = Pattern.compile("limit=1, remaining=0, reset=(\\d+)").matcher(limited.header("RateLimit"));
            assertTrue(header.matches(), limited.header("RateLimit"));
            assertEquals(queued, env.messagesReady(env.queue()), "a refused vote queues nothing");
            assertEquals(202, client.vote(pollId, "sam", a).status(), "the limit is per voter");
        }
    }

    @Test
    void oneClientAddressPastItsBurstIsRefused() {
        try (Isolated env = Isolated.create(Map.of("RATE_LIMIT_IP_PER_SECOND", "1", "RATE_LIMIT_IP_BURST", "2"));
             ApiApplication api = ApiApplication.start(ApiConfig.from(env.environment()), Clock.systemUTC());
             ApiClient client = new ApiClient(api.port())) {
            JsonNode poll = client.createPoll("IP limits", "A", "B");
            long pollId = poll.path("id").asLong();
            long a = poll.path("candidates").get(0).path("id").asLong();
            assertEquals(202, client.vote(pollId, "ip-voter-1", a).status());
            assertEquals(202, client.vote(pollId, "ip-voter-2", a).status());
            ApiClient.Reply limited = client.vote(pollId, "ip-voter-3", a);
            assertEquals(429, limited.status(), limited.body());
            assertTrue(limited.json().path("detail").asText().contains("ip"), limited.body());
            assertEquals("1;w=1", limited.header("RateLimit-Policy"));
        }
    }
}
