package dev.voting.api.vote;

import dev.voting.api.ApiConfig;
import com.fasterxml.jackson.databind.JsonNode;
import dev.voting.api.app.ApiApplication;
import dev.voting.shared.vote.Vote;
import dev.voting.testkit.ApiClient;
import dev.voting.testkit.Isolated;
import dev.voting.testkit.Services;
import dev.voting.testkit.process.LocalRabbit;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A broker that stops answering (frozen, connection still open) costs a voter a 503 with
 * Retry-After once {@code PUBLISH_CONFIRM_TIMEOUT_MS} has passed, not a hung request. The vote was
 * written and may still be queued when the broker wakes, so the 503 says the outcome is unknown and
 * the claim stays: the retry, for whatever candidate, is answered 409 with that vote, published
 * again under the same id, and no other vote of the voter is ever queued (G5, G9).
 */
class ConfirmDeadlineIT {
    private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(1);

    @Test
    void aVoteTheBrokerDoesNotConfirmInTimeIsInDoubtAndItsRetryNamesIt() throws Exception {
        if (!LocalRabbit.available()) {  // freezing the shared broker would stall everyone else's tests
            throw Services.missing("needs rabbitmq-server installed locally, to freeze a broker of the test's own");
        }
        try (LocalRabbit broker = new LocalRabbit(Path.of("target/confirm-deadline-rabbit")).start();
             Isolated env = Isolated.create(Map.of("RABBITMQ_URL", broker.url(),
                     "PUBLISH_CONFIRM_TIMEOUT_MS", Long.toString(CONFIRM_TIMEOUT.toMillis())));
             ApiApplication api = ApiApplication.start(ApiConfig.from(env.environment()), Clock.systemUTC());
             ApiClient client = new ApiClient(api.port())) {
            JsonNode poll = client.createPoll("Deadline", "A", "B");
            long pollId = poll.path("id").asLong();
            long a = poll.path("candidates").get(0).path("id").asLong();
            long b = poll.path("candidates").get(1).path("id").asLong();
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
            assertEquals("/problems/outcome_unknown", frozen.type(), "the vote may still be queued: never 'not recorded'");
            assertNotNull(frozen.header("Retry-After"));
            assertTrue(frozen.json().path("detail").asText().contains("did not confirm"), frozen.body());
            assertTrue(waitedMillis >= CONFIRM_TIMEOUT.toMillis() && waitedMillis < CONFIRM_TIMEOUT.toMillis() + 1_500,
                    "answered at the deadline, after " + waitedMillis + " ms");
            String inDoubt = frozen.json().path("voteId").asText();

            ApiClient.Reply retry = client.vote(pollId, "frozen", b);
            assertEquals(409, retry.status(), "the claim stays: " + retry.body());
            assertEquals(inDoubt, retry.json().path("voteId").asText(), "the 409 names the vote in doubt");
            assertEquals(a, retry.json().path("candidateId").asLong());
            Set<String> queuedIds = new HashSet<>();
            for (Vote vote : env.takeQueuedVotes()) {
                if (vote.voterId().equals("frozen")) {
                    queuedIds.add(vote.voteId().toString());
                }
            }
            assertEquals(Set.of(inDoubt), queuedIds, "only the vote in doubt is queued for the voter, whatever the retry asked");
        }
    }
}
