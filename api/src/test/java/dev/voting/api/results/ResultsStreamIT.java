package dev.voting.api.results;

import dev.voting.api.ApiConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.voting.api.app.ApiApplication;
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
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** GET /results/stream against the real services: one shared feed per poll, bounded rate, bounded life, capped viewers. */
class ResultsStreamIT {
    private static final ObjectMapper MAPPER = Json.newMapper();
    private static Isolated env;
    private static ApiApplication api;
    private static ApiClient client;
    private static CountsCache counts;
    private static RedisKeys keys;

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
        api = ApiApplication.start(ApiConfig.from(env.environment()), Clock.systemUTC());
        client = new ApiClient(api.port());
        keys = new RedisKeys(env.config().redis().keyPrefix());
        counts = new CountsCache(keys);
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
        try (ApiApplication shortLived = ApiApplication.start(ApiConfig.from(env.environment(Map.of("API_MAX_REQUEST_SECONDS", "2"))),
                Clock.systemUTC());
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
                100, Clock.systemUTC());
        ResultsService service = new ResultsService(env.redis(), counts, repository, Duration.ZERO, Clock.systemUTC());
        Poll poll = catalog.find(pollId).orElseThrow();
        ResultsFeeds feeds = new ResultsFeeds(service, catalog, Duration.ofMillis(100), 2, new SimpleMeterRegistry());
        Optional<ResultsSubscription> first = feeds.subscribe(poll);
        Optional<ResultsSubscription> second = feeds.subscribe(poll);
        assertTrue(first.isPresent() && second.isPresent());
        assertTrue(feeds.subscribe(poll).isEmpty(), "a third viewer is refused (503)");
        first.get().close();
        first.get().close();  // closing twice frees one place only
        Optional<ResultsSubscription> third = feeds.subscribe(poll);
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

    /**
     * The reported G4 break: the first viewer of a poll nobody watched lately. The stream's first
     * results and the new feed's first tick both find the poll's snapshot stale; one refreshes and
     * the other is handed the stale snapshot, which the ticker pushed after the fresh first event
     * (37, 36, 37). The refresh is made slow here (Redis lost the poll's hash and PostgreSQL is held)
     * so that the loser always answers while the winner still reads.
     */
    @Test
    void theFirstViewerOfAColdFeedNeverSeesResultsGoBack() throws Exception {
        // Polls read from PostgreSQL each time: the new feed's first tick starts with a round trip, which
        // lets the viewer's own first read win the refresh, as it often does live (still a race: five rounds).
        try (ApiApplication uncached = ApiApplication.start(ApiConfig.from(env.environment(Map.of("POLL_CACHE_TTL_SECONDS", "0"))),
                Clock.systemUTC());
             ApiClient on = new ApiClient(uncached.port())) {
            for (int round = 1; round <= 5; round++) {
                firstViewerOfAColdFeed(on, round);
            }
        }
    }

    private static void firstViewerOfAColdFeed(ApiClient on, int round) throws Exception {
        JsonNode poll = on.createPoll("Stream: cold " + round, "A", "B");
        long pollId = poll.path("id").asLong();
        long a = poll.path("candidates").get(0).path("id").asLong();
        counts.raise(env.redis(), pollId, Map.of(a, 36L));
        List<JsonNode> gets = new ArrayList<>(List.of(results(on, pollId)));  // the snapshot the cold feed finds stale
        assertEquals(36, gets.getFirst().path("totalVotes").asLong());

        env.redis().del(keys.counts(pollId));  // Redis lost the poll (flush, restart): the next read is PostgreSQL's
        setVotes(a, 37);
        CompletableFuture<Viewer> opening = new CompletableFuture<>();
        try (CountsLock lock = new CountsLock()) {
            Thread.ofVirtual().start(() -> {
                try {
                    opening.complete(new Viewer(pollId, on));
                } catch (Throwable e) {
                    opening.completeExceptionally(e);
                }
            });
            lock.awaitBlockedReaders(1);
            Thread.sleep(200);  // the loser of the refresh answers meanwhile
        }
        List<JsonNode> events = new ArrayList<>();
        try (Viewer viewer = opening.get(10, TimeUnit.SECONDS)) {
            long until = System.nanoTime() + Duration.ofMillis(1600).toNanos();  // three ticks of the feed
            while (System.nanoTime() < until) {
                JsonNode event = viewer.events.poll(100, TimeUnit.MILLISECONDS);
                if (event != null) {
                    events.add(event);
                }
                gets.add(results(on, pollId));
            }
            viewer.events.drainTo(events);
        }
        assertFalse(events.isEmpty(), "round " + round + ": a first event");
        assertNeverBehind("round " + round + ", the cold feed's events", events);
        assertNeverBehind("round " + round + ", one viewer's GETs", gets);
        assertEquals(37, events.getLast().path("totalVotes").asLong(), "round " + round + ": the fresh count arrives");
    }

    /**
     * Two first reads of a poll by one process, the slower one from PostgreSQL: it used to replace
     * the newer snapshot the faster one had stored and served, and a results cache (TTL) then kept
     * serving the older one, so a viewer's second GET went back in counts and in asOf.
     */
    @Test
    void repeatedGetsNeverGoBackWhenASlowerReadFinishesLast() throws Exception {
        JsonNode poll = client.createPoll("Results: slow read", "A", "B");
        long pollId = poll.path("id").asLong();
        long a = poll.path("candidates").get(0).path("id").asLong();
        setVotes(a, 36);  // Redis has no hash for the poll yet: a first read falls back to PostgreSQL
        try (ApiApplication cached = ApiApplication.start(ApiConfig.from(env.environment(Map.of("RESULTS_CACHE_TTL_SECONDS", "60"))),
                Clock.systemUTC());
             ApiClient viewer = new ApiClient(cached.port());
             ApiClient other = new ApiClient(cached.port())) {
            CompletableFuture<JsonNode> slow = new CompletableFuture<>();
            JsonNode first;
            try (CountsLock lock = new CountsLock()) {
                Thread.ofVirtual().start(() -> {
                    try {
                        slow.complete(results(other, pollId));
                    } catch (Throwable e) {
                        slow.completeExceptionally(e);
                    }
                });
                lock.awaitBlockedReaders(1);  // the other viewer's read found Redis empty and waits for PostgreSQL
                counts.raise(env.redis(), pollId, Map.of(a, 37L));  // meanwhile newer counts reach Redis
                first = results(viewer, pollId);
                assertEquals(37, first.path("totalVotes").asLong());
            }
            slow.get(10, TimeUnit.SECONDS);
            JsonNode second = results(viewer, pollId);
            assertNeverBehind("one viewer's two GETs", List.of(first, second));
        }
    }

    /** A slow PostgreSQL: every read of candidate_counts waits until this is closed. */
    private static final class CountsLock implements AutoCloseable {
        private final Connection connection;

        CountsLock() throws SQLException {
            connection = env.database().getConnection();
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("LOCK TABLE candidate_counts IN ACCESS EXCLUSIVE MODE");
            }
        }

        void awaitBlockedReaders(int readers) throws InterruptedException {
            await(() -> env.queryLong("SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'candidate_counts'::regclass")
                    >= readers, Duration.ofSeconds(10));
        }

        @Override
        public void close() throws SQLException {
            connection.rollback();
            connection.setAutoCommit(true);
            connection.close();
        }
    }

    private static void setVotes(long candidateId, long votes) throws SQLException {
        try (Connection connection = env.database().getConnection();
             PreparedStatement update = connection.prepareStatement("UPDATE candidate_counts SET votes = ? WHERE candidate_id = ?")) {
            update.setLong(1, votes);
            update.setLong(2, candidateId);
            assertEquals(1, update.executeUpdate());
        }
    }

    private static JsonNode results(ApiClient on, long pollId) {
        ApiClient.Reply reply = on.get("/api/v1/polls/" + pollId + "/results");
        assertEquals(200, reply.status(), reply.body());
        return reply.json();
    }

    /** G4: no candidate's count, no totalVotes and no asOf smaller than in an earlier one of {@code seen}. */
    private static void assertNeverBehind(String what, List<JsonNode> seen) {
        for (int i = 1; i < seen.size(); i++) {
            JsonNode before = seen.get(i - 1);
            JsonNode after = seen.get(i);
            boolean behind = Instant.parse(after.path("asOf").asText()).isBefore(Instant.parse(before.path("asOf").asText()))
                    || after.path("totalVotes").asLong() < before.path("totalVotes").asLong();
            for (int c = 0; c < before.path("results").size(); c++) {
                behind |= after.path("results").get(c).path("votes").asLong() < before.path("results").get(c).path("votes").asLong();
            }
            if (behind) {
                fail(what + " went back at #" + i + ": " + summary(seen));
            }
        }
    }

    private static String summary(List<JsonNode> seen) {
        return seen.stream().map(r -> r.path("totalVotes").asLong() + "@" + r.path("asOf").asText()).toList().toString();
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
        String scrape;
        try (ApiClient ops = new ApiClient(api.metricsPort())) {
            scrape = ops.get("/metrics").body();
        }
        for (String line : scrape.split("\n")) {
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
