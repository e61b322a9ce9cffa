package dev.voting.api.vote;

import com.fasterxml.jackson.databind.JsonNode;
import dev.voting.api.ApiApplication;
import dev.voting.testkit.ApiClient;
import dev.voting.testkit.Isolated;
import dev.voting.testkit.Services;
import dev.voting.testkit.process.LocalRabbit;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A broker that stops answering (frozen, connection still open) costs a voter a 503 with
 * Retry-After once {@code PUBLISH_CONFIRM_TIMEOUT_MS} has passed, not a hung request; the claim is
 * given back, so the same voter's retry is accepted once the broker is back (G1, G5).
 */
class ConfirmDeadlineIT {
    private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(1);

    @Test
    void aVoteTheBrokerNeverConfirmsIsAnswered503AtTheDeadlineAndCanBeCastAgain() throws Exception {
        if (!LocalRabbit.available()) {  // freezing the shared broker would stall everyone else's tests
            throw Services.missing("needs rabbitmq-server installed locally, to freeze a broker of the test's own");
        }
        try (LocalRabbit broker = new LocalRabbit(Path.of("target/confirm-deadline-rabbit")).start();
             Isolated env = Isolated.create(Map.of("RABBITMQ_URL", broker.url(),
                     "PUBLISH_CONFIRM_TIMEOUT_MS", Long.toString(CONFIRM_TIMEOUT.toMillis())));
             ApiApplication api = ApiApplication.start(env.config(), Clock.systemUTC());
             ApiClient client = new ApiClient(api.port())) {
            JsonNode poll = client.createPoll("Deadline", "A", "B");
            long pollId = poll.path("id").asLong();
            long a = poll.path("candidates").get(0).path("id").asLong();
            assertEquals(202, client.vote(pollId, "before", a).status(), "the broker confirms while it runs");

            broker.process().pause();
            ApiClient.Reply frozen;
            long start = System.nanoTime();
            try {
                frozen = client.vote(pollId, "frozen", a);
            } finally {
                broker.process().resume();
            }
            long waitedMillis = (System.nanoTime() - start) / 1_000_000;

            assertEquals(503, frozen.status(), frozen.body());
            assertNotNull(frozen.header("Retry-After"));
            assertTrue(frozen.json().path("detail").asText().contains("did not confirm"), frozen.body());
            assertTrue(waitedMillis >= CONFIRM_TIMEOUT.toMillis() && waitedMillis < CONFIRM_TIMEOUT.toMillis() + 1_500,
                    "answered at the deadline, after " + waitedMillis + " ms");
            assertEquals(202, client.vote(pollId, "frozen", a).status(), "the claim was given back: the retry is accepted");
        }
    }
}
