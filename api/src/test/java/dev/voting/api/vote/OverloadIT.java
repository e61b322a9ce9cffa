package dev.voting.api.vote;

import dev.voting.api.ApiConfig;
import com.fasterxml.jackson.databind.JsonNode;
import dev.voting.api.app.ApiApplication;
import dev.voting.testkit.ApiClient;
import dev.voting.testkit.Isolated;
import dev.voting.testkit.process.LocalRedis;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Past {@code API_MAX_VOTES_IN_FLIGHT} votes waiting on a slow dependency, a vote is answered 503
 * at once instead of queueing until the client gives up (G7), and the votes in flight still succeed.
 * The metrics count those 503s as sheds ({@code shed="true"}), not as errors.
 */
class OverloadIT {
    private static final int MAX_IN_FLIGHT = 2;
    private static final int VOTES = 8;

    @Test
    void votesPastTheInFlightLimitAreShedAtOnce() throws Exception {
        // A Redis of its own where the machine has one to start: pausing the shared Redis would stall other users.
        LocalRedis privateRedis = LocalRedis.available() ? new LocalRedis(Path.of("target/overload-redis")).start() : null;
        Map<String, String> settings = new HashMap<>(Map.of("API_MAX_VOTES_IN_FLIGHT", Integer.toString(MAX_IN_FLIGHT)));
        if (privateRedis != null) {
            settings.put("REDIS_URL", privateRedis.url());
        }
        try (privateRedis;
             Isolated env = Isolated.create(settings);
             ApiApplication api = ApiApplication.start(ApiConfig.from(env.environment()), Clock.systemUTC());
             ApiClient client = new ApiClient(api.port())) {
            JsonNode poll = client.createPoll("Overload", "A", "B");
            long pollId = poll.path("id").asLong();
            long a = poll.path("candidates").get(0).path("id").asLong();

            // Redis holds every write for 1.5 s (less than the 2 s a vote may wait for its pipeline to
            // leave): the first votes to arrive wait on their admission.
            env.redis().sendCommand(redis.clients.jedis.Protocol.Command.CLIENT, "PAUSE", "1500", "WRITE");
            List<ApiClient.Reply> replies = new ArrayList<>();
            long start = System.nanoTime();
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<ApiClient.Reply>> sent = new ArrayList<>();
                for (int i = 0; i < VOTES; i++) {
                    int voter = i;
                    sent.add(clients.submit(() -> client.vote(pollId, "overload-" + voter, a)));
                }
                for (Future<ApiClient.Reply> reply : sent) {
                    replies.add(reply.get());
                }
            }
            Map<Integer, Long> byStatus = replies.stream().collect(Collectors.groupingBy(ApiClient.Reply::status, Collectors.counting()));
            assertEquals(Map.of(202, (long) MAX_IN_FLIGHT, 503, (long) (VOTES - MAX_IN_FLIGHT)), byStatus);
            for (ApiClient.Reply reply : replies) {
                if (reply.status() == 503) {
                    assertNotNull(reply.header("Retry-After"));
                    assertTrue(reply.json().path("detail").asText().contains("votes in flight"), reply.body());
                }
            }
            assertTrue(System.nanoTime() - start > 1_000_000_000L, "the admitted votes did wait for Redis");
            assertEquals(MAX_IN_FLIGHT, env.messagesReady(env.queue()), "only the admitted votes were queued");
            assertEquals(202, client.vote(pollId, "overload-after", a).status(), "the permits came back");
            // the sheds are counted apart from errors, so that the error-rate alert does not fire on them
            String scrape;
            try (ApiClient ops = new ApiClient(api.metricsPort())) {
                scrape = ops.get("/metrics").body();
            }
            List<String> requests = scrape.lines()
                    .filter(l -> l.startsWith("http_server_requests_seconds_count{") && l.contains("route=\"/api/v1/polls/{pollId}/votes\""))
                    .toList();
            assertTrue(requests.stream().anyMatch(l -> l.contains("shed=\"true\"") && l.contains("status=\"503\"")
                    && l.matches(".* " + (VOTES - MAX_IN_FLIGHT) + "(\\.0)?")), "sheds: " + requests);
            assertTrue(requests.stream().anyMatch(l -> l.contains("shed=\"false\"") && l.contains("status=\"202\"")), "votes: " + requests);
        }
    }
}
