package dev.voting.api.results;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.voting.api.ApiApplication;
import dev.voting.api.poll.Poll;
import dev.voting.api.poll.PollCatalog;
import dev.voting.api.poll.PollRepository;
import dev.voting.shared.db.Jdbc;
import dev.voting.shared.json.Json;
import dev.voting.shared.redis.CountsCache;
import dev.voting.shared.redis.RedisKeys;
import dev.voting.testkit.ApiClient;
import dev.voting.testkit.Isolated;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GET /results/stream against the real services: one shared feed per poll, bounded rate, bounded life, capped viewers. */
class ResultsStreamIT {
    private static final ObjectMapper MAPPER = Json.newMapper();
    private static Isolated env;
    private static ApiApplication api;
    private static ApiClient client;
    private static CountsCache counts;

    /** One viewer: the stream's events, read on a thread of their own until the stream ends. */
    private static final class Viewer implements AutoCloseable {
        final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
        final AtomicInteger received = new AtomicInteger();
        final List<String> lines = new ArrayList<>();
        final InputStream body;
        final Thread reader;
        volatile boolean ended;

        Viewer(long pollId, ApiClient on) throws IOException, InterruptedException {
            HttpRequest request = on.request("/api/v1/polls/" + pollId + "/results/stream", null).GET().build();
            HttpResponse<InputStream> response = on.http().send(request, HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, response.statusCode());
            assertEquals("text/event-stream; charset=utf-8", response.headers().firstValue("Content-Type").orElse(""));
            body = response.body();
            reader = Thread.ofVirtual().start(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        synchronized (lines) {
                            lines.add(line);
                        }
                        if (line.startsWith("data: ")) {
                            events.add(MAPPER.readTree(line.substring(6)));
                            received.incrementAndGet();
                        }
                    }
                } catch (IOException e) {
                    // closed by the test
                } finally {
                    ended = true;
                }
            });
        }

        JsonNode next() throws InterruptedException {
            return events.poll(10, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws IOException {
            body.close();
        }
    }

    @BeforeAll
    static void start() {
        env = Isolated.create();
        api = ApiApplication.start(env.config(), Clock.systemUTC());
        client = new ApiClient(api.port());
        counts = new CountsCache(new RedisKeys(env.config().redis().keyPrefix()));
    }

    @AfterAll
    static void stop() {
        client.close();
        api.close();
        env.close();
    }

    @Test
    void viewersOfAPollShareOneFeedAndLeaveNothingBehind() throws Exception {
        JsonNode poll = client.createPoll("Stream: shared", "A", "B");
        long pollId = poll.path("id").asLong();
        long a = poll.path("candidates").get(0).path("id").asLong();
        long b = poll.path("candidates").get(1).path("id").asLong();
        double viewersBefore = gauge("results_stream_subscribers");  // other tests' viewers may still be leaving
        double feedsBefore = gauge("results_stream_feeds");
        List<Viewer> viewers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            viewers.add(new Viewer(pollId, client));
        }
        for (Viewer viewer : viewers) {
            JsonNode first = viewer.next();
            assertNotNull(first, "a results event at once");
            assertEquals(0, first.path("totalVotes").asLong());
        }
        assertTrue(gauge("results_stream_subscribers") >= 5 && gauge("results_stream_subscribers") <= viewersBefore + 5);
        assertTrue(gauge("results_stream_feeds") <= feedsBefore + 1, "five viewers, one feed (one Redis read per tick)");

        counts.raise(env.redis(), pollId, Map.of(a, 3L, b, 1L));
        for (Viewer viewer : viewers) {
            JsonNode next = awaitTotal(viewer, 4);
            assertEquals(3, next.path("results").get(0).path("votes").asLong());
        }

        for (Viewer viewer : viewers) {
            viewer.close();
        }
        for (long total = 5; gauge("results_stream_subscribers") > viewersBefore && total < 40; total++) {
            counts.raise(env.redis(), pollId, Map.of(a, total, b, 1L));  // a change to write: the write finds the viewer gone
            Thread.sleep(600);
        }
        await(() -> gauge("results_stream_subscribers") <= viewersBefore && gauge("results_stream_feeds") <= feedsBefore,
                Duration.ofSeconds(15));
    }

    @Test
    void manyChangesReachAViewerAsAFewEventsASecond() throws Exception {
        JsonNode poll = client.createPoll("Stream: rate", "A", "B");
        long pollId = poll.path("id").asLong();
        long a = poll.path("candidates").get(0).path("id").asLong();
        try (Viewer viewer = new Viewer(pollId, client)) {
            assertNotNull(viewer.next());
            long start = System.nanoTime();
            for (long votes = 1; votes <= 60; votes++) {  // 60 changes in about 3 seconds
                counts.raise(env.redis(), pollId, Map.of(a, votes));
                Thread.sleep(50);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            JsonNode last = awaitTotal(viewer, 60);
            seconds = (System.nanoTime() - start) / 1e9;
            int events = viewer.received.get();
            assertEquals(60, last.path("totalVotes").asLong(), "the last state always arrives");
            assertTrue(events <= 2 * seconds + 3, events + " events in " + seconds + " s: at most two a second");
        }
    }

    @Test
    void aStreamEndsBeforeTheServersResponseTimeLimitAndAsksToReconnect() throws Exception {
        try (ApiApplication shortLived = ApiApplication.start(env.config(Map.of("API_MAX_REQUEST_SECONDS", "2")), Clock.systemUTC());
             ApiClient shortClient = new ApiClient(shortLived.port())) {
            long pollId = shortClient.createPoll("Stream: short", "A", "B").path("id").asLong();
            long start = System.nanoTime();
            Viewer viewer = new Viewer(pollId, shortClient);
            viewer.reader.join(Duration.ofSeconds(5));
            assertTrue(viewer.ended, "the server ended the stream");
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(2).toNanos(), "before the 2 s limit would cut it");
            synchronized (viewer.lines) {
                assertEquals("retry: 1000", viewer.lines.getFirst(), "EventSource reconnects after a second");
                assertTrue(viewer.lines.contains("event: results"));
            }
        }
    }

    @Test
    void viewersAreCappedAndClosingEndsEveryStream() throws Exception {
        long pollId = client.createPoll("Stream: cap", "A", "B").path("id").asLong();
        PollRepository repository = new PollRepository(new Jdbc(env.database()));
        PollCatalog catalog = new PollCatalog(repository::find, Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(1),
                Clock.systemUTC());
        ResultsService service = new ResultsService(env.redis(), counts, repository, Duration.ZERO, Clock.systemUTC());
        Poll poll = catalog.find(pollId).orElseThrow();
        ResultsFeeds feeds = new ResultsFeeds(service, catalog, Duration.ofMillis(100), 2, new SimpleMeterRegistry());
        Optional<ResultsFeeds.Subscription> first = feeds.subscribe(poll);
        Optional<ResultsFeeds.Subscription> second = feeds.subscribe(poll);
        assertTrue(first.isPresent() && second.isPresent());
        assertTrue(feeds.subscribe(poll).isEmpty(), "a third viewer is refused (503)");
        first.get().close();
        first.get().close();  // closing twice frees one place only
        Optional<ResultsFeeds.Subscription> third = feeds.subscribe(poll);
        assertTrue(third.isPresent(), "a place freed is taken again");
        assertTrue(feeds.subscribe(poll).isEmpty());

        Thread waiting = Thread.ofVirtual().start(() -> {
            try {
                while (third.get().next(Duration.ofSeconds(30)) != null) {
                    // drain changes until the stream is over
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        feeds.close();
        assertTrue(waiting.join(Duration.ofSeconds(2)), "closing the feeds wakes every waiting viewer at once");
        assertTrue(third.get().isOver() && second.get().isOver());
        second.get().close();
        third.get().close();
        assertEquals(0, feeds.subscribers());
    }

    private static JsonNode awaitTotal(Viewer viewer, long total) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode event = viewer.events.poll(200, TimeUnit.MILLISECONDS);
            if (event != null && event.path("totalVotes").asLong() == total) {
                return event;
            }
        }
        throw new AssertionError("no event with totalVotes " + total);
    }

    private static double gauge(String name) {
        for (String line : client.get("/metrics").body().split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError(name + " is not exported");
    }

    private static void await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + timeout);
            }
            Thread.sleep(100);
        }
    }
}
