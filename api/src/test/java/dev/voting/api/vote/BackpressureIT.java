package dev.voting.api.vote;

import dev.voting.api.ApiConfig;
import com.fasterxml.jackson.databind.JsonNode;
import dev.voting.api.app.ApiApplication;
import dev.voting.shared.redis.RedisKeys;
import dev.voting.testkit.ApiClient;
import dev.voting.testkit.Isolated;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The queue holds at most {@code RABBITMQ_QUEUE_MAX_LENGTH} messages and refuses publishes beyond:
 * a full queue is a 503 with Retry-After at the API, never an unbounded pile, and the voter's
 * claim is given back so that the retry can succeed once the queue drains (G5, G7).
 */
class BackpressureIT {
    private static final int MAX_LENGTH = 3;

    @Test
    void aFullQueueIsA503AndTheVoterStaysFreeToVote() throws Exception {
        try (Isolated env = Isolated.create(Map.of("RABBITMQ_QUEUE_MAX_LENGTH", Integer.toString(MAX_LENGTH)));
             ApiApplication api = ApiApplication.start(ApiConfig.from(env.environment()), Clock.systemUTC());
             ApiClient client = new ApiClient(api.port())) {
            JsonNode poll = client.createPoll("Full", "A", "B");
            long pollId = poll.path("id").asLong();
            long a = poll.path("candidates").get(0).path("id").asLong();
            int accepted = 0;
            ApiClient.Reply full = null;
            for (int i = 0; i < 10 && full == null; i++) {
                ApiClient.Reply reply = client.vote(pollId, "filler-" + i, a);
                if (reply.status() == 202) {
                    accepted++;
                } else {
                    full = reply;
                }
            }
            assertNotNull(full, "the queue refused publishes before 10 votes");
            assertEquals(503, full.status(), full.body());
            assertEquals("/problems/service_unavailable", full.type());
            assertNotNull(full.header("Retry-After"));
            long depth = env.messagesReady(env.queue());
            assertEquals(accepted, depth, "every 202 is in the queue, one message each");
            // A quorum queue takes the message that crosses the limit, then refuses until it is below it again.
            assertTrue(depth <= MAX_LENGTH + 1, "the queue stopped at its maximum: " + depth);

            ApiClient.Reply late = client.vote(pollId, "late", a);
            assertEquals(503, late.status(), "still full");
            assertFalse(env.redis().hexists(new RedisKeys(env.config().redis().keyPrefix()).voterMarkers(pollId), "late"),
                    "the claim was given back");
            try (var channel = env.rabbit().createChannel()) {
                for (int i = 0; i < 2; i++) {
                    channel.basicGet(env.queue(), true);  // a worker takes messages
                }
            }
            int status = 0;
            for (int i = 0; i < 50 && status != 202; i++) {  // the queue tells publishers it has room again
                status = client.vote(pollId, "late", a).status();
                if (status != 202) {
                    Thread.sleep(100);
                }
            }
            assertEquals(202, status, "the retry goes through once there is room");
        }
    }
}
