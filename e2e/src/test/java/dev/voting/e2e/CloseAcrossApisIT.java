package dev.voting.e2e;

import dev.voting.worker.WorkerConfig;
import com.fasterxml.jackson.databind.JsonNode;
import dev.voting.testkit.ApiClient;
import dev.voting.testkit.Isolated;
import dev.voting.testkit.Tokens;
import dev.voting.testkit.process.Child;
import dev.voting.testkit.process.JavaApp;
import dev.voting.testkit.process.Ports;
import dev.voting.testkit.process.Processes;
import dev.voting.worker.WorkerApplication;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * An admin closes a poll through one API process while voters keep voting through it and through a
 * second API process whose poll cache is warm: every 202 from either process is counted, and
 * {@code poll_closed} is answered only once the close has taken effect. Both APIs run from the
 * built jar with the shipped cache, skew and close-delay defaults; one worker drains the queue.
 */
class CloseAcrossApisIT {
    private static final int CLIENTS_PER_API = 3;
    private static final Duration PAUSE = Duration.ofMillis(10);
    private static final Duration TOLERANCE = Duration.ofSeconds(1);

    private record Outcome(int api, String voter, Instant sentAt, Instant receivedAt, int status, String type, String voteId) {
        String describe(Instant closeSentAt) {
            return "api-" + api + " " + voter + " sent " + Duration.between(closeSentAt, sentAt).toMillis()
                    + " ms after the close was sent: " + status + (type == null ? "" : " " + type);
        }
    }

    @Test
    void everyVoteAcceptedByEitherApiAroundACloseIsCounted() throws Exception {
        try (Isolated env = Isolated.create()) {
            int[] ports = {Ports.free(), Ports.free()};
            List<Child> apis = new ArrayList<>();
            List<ApiClient> clients = new ArrayList<>();
            try (WorkerApplication worker = WorkerApplication.start(WorkerConfig.from(env.environment()))) {
                for (int i = 0; i < 2; i++) {
                    Map<String, String> settings = new HashMap<>(env.environment());
                    settings.put("API_PORT", Integer.toString(ports[i]));
                    apis.add(JavaApp.process("api-" + (i + 1), JavaApp.jar("api", "voting-api.jar"), settings,
                            Path.of("target", "close-across-apis")).start());
                }
                for (int i = 0; i < 2; i++) {
                    Processes.awaitPort(apis.get(i), ports[i], Duration.ofSeconds(60));
                    clients.add(new ApiClient(ports[i]));
                }
                run(env, clients.get(0), clients.get(1));
            } finally {
                clients.forEach(ApiClient::close);
                apis.forEach(Child::close);
            }
        }
    }

    private static void run(Isolated env, ApiClient first, ApiClient second) throws Exception {
        // Created through the first API: the second reads the poll on its first vote and keeps it cached.
        JsonNode poll = first.createPoll("Closing across APIs", "Yes", "No");
        long pollId = poll.path("id").asLong();
        long[] candidates = {poll.path("candidates").get(0).path("id").asLong(), poll.path("candidates").get(1).path("id").asLong()};

        ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger voters = new AtomicInteger();
        ApiClient[] apis = {first, second};
        Instant closeSentAt;
        ApiClient.Reply closed;
        try (ExecutorService load = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> running = new ArrayList<>();
            for (int api = 0; api < 2; api++) {
                for (int c = 0; c < CLIENTS_PER_API; c++) {
                    int which = api;
                    running.add(load.submit(() -> {
                        while (!stop.get()) {
                            int n = voters.incrementAndGet();
                            String voter = "closing-" + n;
                            Instant sentAt = Instant.now();
                            ApiClient.Reply reply = apis[which].vote(pollId, voter, candidates[n % 2]);
                            outcomes.add(new Outcome(which + 1, voter, sentAt, Instant.now(), reply.status(), reply.type(),
                                    reply.status() == 202 ? reply.json().path("voteId").asText() : null));
                            Thread.sleep(PAUSE);
                        }
                        return null;
                    }));
                }
            }
            await(() -> outcomes.stream().anyMatch(o -> o.api() == 2 && o.status() == 202), Duration.ofSeconds(30),
                    "the second API accepts a vote (its poll cache is now warm)");

            closeSentAt = Instant.now();
            closed = first.post("/api/v1/polls/" + pollId + "/close", Tokens.admin(), "");
            assertEquals(200, closed.status(), closed.body());
            Instant closesAt = closed.json().hasNonNull("closesAt")
                    ? Instant.parse(closed.json().path("closesAt").asText()) : closeSentAt;
            // Both APIs refuse for a while after the close takes effect, then the voters stop.
            await(() -> Instant.now().isAfter(closesAt.plus(TOLERANCE)) && refusedByBoth(outcomes, closesAt.plus(TOLERANCE)),
                    Duration.ofSeconds(60), "both APIs answer poll_closed after the close");
            stop.set(true);
            for (Future<?> future : running) {
                future.get();
            }
        }

        List<Outcome> all = List.copyOf(outcomes);
        Map<String, Outcome> accepted = all.stream().filter(o -> o.status() == 202)
                .collect(Collectors.toMap(Outcome::voteId, o -> o));
        awaitDrained(env, pollId, accepted.size());
        Set<String> counted = ids(env, "SELECT id::text FROM votes WHERE poll_id = ?", pollId);
        Map<String, String> rejected = rejections(env, pollId);

        List<String> lost = accepted.values().stream().filter(o -> !counted.contains(o.voteId()))
                .map(o -> o.describe(closeSentAt) + ", then " + rejected.getOrDefault(o.voteId(), "not written at all"))
                .sorted().toList();
        List<String> earlyRefusals = all.stream()
                .filter(o -> "/problems/poll_closed".equals(o.type()) && o.receivedAt().isBefore(closeSentAt))
                .map(o -> o.describe(closeSentAt)).toList();
        Map<String, Long> byAnswer = all.stream().collect(Collectors.groupingBy(
                o -> "api-" + o.api() + " " + o.status() + (o.type() == null ? "" : " " + o.type()), Collectors.counting()));
        System.out.printf("close across APIs: %d votes sent, %s; %d counted, rejected %s%n", all.size(), byAnswer, counted.size(),
                rejected.values().stream().collect(Collectors.groupingBy(r -> r, Collectors.counting())));

        JsonNode closedPoll = closed.json();
        assertAll(
                () -> assertTrue(lost.isEmpty(), lost.size() + " of " + accepted.size() + " votes answered 202 were not counted, e.g. "
                        + lost.subList(0, Math.min(5, lost.size()))),
                () -> assertTrue(earlyRefusals.isEmpty(), "poll_closed before the close was sent: " + earlyRefusals),
                () -> assertNotNull(closedPoll.path("closesAt").asText(null), "the close says when it takes effect: " + closedPoll),
                () -> {
                    Instant closesAt = Instant.parse(closedPoll.path("closesAt").asText());
                    assertEquals("open", closedPoll.path("status").asText(), "the poll stays open until its close takes effect");
                    assertTrue(closesAt.isAfter(closeSentAt.plus(Duration.ofSeconds(5)).minus(TOLERANCE))
                            && closesAt.isBefore(Instant.now()), "closesAt is the close plus POLL_CLOSE_DELAY_SECONDS (5 s): " + closesAt);
                    List<String> beforeClosesAt = all.stream()
                            .filter(o -> "/problems/poll_closed".equals(o.type()) && o.receivedAt().isBefore(closesAt))
                            .map(o -> o.describe(closeSentAt)).toList();
                    assertTrue(beforeClosesAt.isEmpty(), "poll_closed before closesAt " + closesAt + ": " + beforeClosesAt);
                    ApiClient.Reply again = second.post("/api/v1/polls/" + pollId + "/close", Tokens.admin(), "");
                    assertEquals(200, again.status(), again.body());
                    assertEquals(closesAt, Instant.parse(again.json().path("closesAt").asText()), "a second close keeps the first one's time");
                    assertEquals("closed", again.json().path("status").asText());
                },
                () -> assertTrue(all.stream().anyMatch(o -> o.api() == 2 && o.status() == 202 && o.sentAt().isAfter(closeSentAt)),
                        "the second API took votes after the close was sent (the case under test happened)"));
    }

    private static boolean refusedByBoth(ConcurrentLinkedQueue<Outcome> outcomes, Instant after) {
        Set<Integer> refusing = new HashSet<>();
        for (Outcome outcome : outcomes) {
            if ("/problems/poll_closed".equals(outcome.type()) && outcome.sentAt().isAfter(after)) {
                refusing.add(outcome.api());
            }
        }
        return refusing.size() == 2;
    }

    /** Every vote answered 202 has been written, counted or rejected, and the queue is empty. */
    private static void awaitDrained(Isolated env, long pollId, int accepted) throws InterruptedException {
        await(() -> env.queryLong("SELECT (SELECT count(*) FROM votes WHERE poll_id = ?) + (SELECT count(*) FROM rejected_votes WHERE poll_id = ?)",
                        pollId, pollId) >= accepted && env.messagesReady(env.queue()) == 0,
                Duration.ofSeconds(60), "the worker writes all " + accepted + " accepted votes");
    }

    private static Set<String> ids(Isolated env, String sql, long pollId) throws Exception {
        Set<String> ids = new HashSet<>();
        try (var connection = env.database().getConnection(); PreparedStatement select = connection.prepareStatement(sql)) {
            select.setLong(1, pollId);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }

    private static Map<String, String> rejections(Isolated env, long pollId) throws Exception {
        Map<String, String> reasons = new HashMap<>();
        try (var connection = env.database().getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT vote_id::text, reason FROM rejected_votes WHERE poll_id = ?")) {
            select.setLong(1, pollId);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    reasons.put(rs.getString(1), "rejected " + rs.getString(2));
                }
            }
        }
        return reasons;
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(Condition condition, Duration bound, String what) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        try {
            while (!condition.holds()) {
                if (System.nanoTime() > deadline) {
                    fail("within " + bound.toSeconds() + " s: " + what);
                }
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(what, e);
        }
    }
}
