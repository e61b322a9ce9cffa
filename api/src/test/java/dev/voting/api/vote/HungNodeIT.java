package dev.voting.api.vote;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Channel;
import dev.voting.api.ApiConfig;
import dev.voting.api.app.ApiApplication;
import dev.voting.shared.amqp.VoteQueue;
import dev.voting.shared.vote.Vote;
import dev.voting.testkit.ApiClient;
import dev.voting.testkit.Isolated;
import dev.voting.testkit.Services;
import dev.voting.testkit.process.LocalRabbit;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A RabbitMQ node that hangs (SIGSTOP: its TCP connections stay up, so AMQP heartbeats notice only
 * after two of them, ~20 s) while it holds the API's connection: the votes in flight are in doubt
 * at the confirm deadline, and from then on the API publishes through another node of
 * {@code RABBITMQ_URL}, the hung one tried last. Two brokers stand in for two nodes of a cluster: the
 * test's own, which it freezes, and the shared one, on which the vote queue is declared too.
 */
class HungNodeIT {
    private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(1);

    @Test
    void votesAreTakenThroughAnotherNodeOnceTheHungNodesConfirmDeadlinePassed() throws Exception {
        if (!LocalRabbit.available()) {  // freezing the shared broker would stall everyone else's tests
            throw Services.missing("needs rabbitmq-server installed locally, to freeze a broker of the test's own");
        }
        URI shared = URI.create(Services.get().rabbitUrl());
        try (LocalRabbit hanging = new LocalRabbit(Path.of("target/hung-node-rabbit")).start();
             Isolated env = Isolated.create()) {
            try (Channel channel = env.rabbit().createChannel()) {
                VoteQueue.declare(channel, env.config().rabbit());  // the API declares it on the node it reaches first
            }
            Map<String, String> twoNodes = env.environment(Map.of(
                    "RABBITMQ_URL", hanging.url() + "," + shared.getHost() + ":" + (shared.getPort() == -1 ? 5672 : shared.getPort()),
                    "PUBLISH_CONFIRM_TIMEOUT_MS", Long.toString(CONFIRM_TIMEOUT.toMillis())));
            try (ApiApplication api = ApiApplication.start(ApiConfig.from(twoNodes), Clock.systemUTC());
                 ApiClient client = new ApiClient(api.port())) {
                JsonNode poll = client.createPoll("Hung node", "A", "B");
                long pollId = poll.path("id").asLong();
                long a = poll.path("candidates").get(0).path("id").asLong();
                assertEquals(202, client.vote(pollId, "before", a).status(), "the first node confirms while it runs");

                hanging.process().pause();
                try {
                    ApiClient.Reply inDoubt = client.vote(pollId, "in-doubt", a);
                    assertEquals(503, inDoubt.status(), inDoubt.body());
                    assertEquals("/problems/outcome_unknown", inDoubt.type(), "written to the hung node: it may still queue it");

                    long start = System.nanoTime();
                    ApiClient.Reply after = client.vote(pollId, "after", a);
                    long tookMillis = (System.nanoTime() - start) / 1_000_000;
                    assertEquals(202, after.status(), "taken through the other node while the first still hangs: " + after.body());
                    assertTrue(tookMillis < 3_000, "answered in " + tookMillis + " ms: the hung node was not tried first");
                } finally {
                    hanging.process().resume();
                }
                assertEquals(List.of("after"), env.takeQueuedVotes().stream().map(Vote::voterId).toList(),
                        "the vote taken after the hang, and only it, is queued on the other node");
            }
        }
    }
}
