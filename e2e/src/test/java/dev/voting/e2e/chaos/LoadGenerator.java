package dev.voting.e2e.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.voting.shared.json.Json;
import dev.voting.testkit.Tokens;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Casts votes at a steady rate on virtual threads, spread over the API processes in turn, some of
 * them repeats, refusals and bursts past the rate limit, and records what became of every attempt.
 * Anything without a definite answer (timeout, reset, 5xx) is {@link Kind#UNKNOWN} and is retried
 * later until it gets one.
 */
final class LoadGenerator {
    enum Kind { ACCEPTED, ALREADY_VOTED, RATE_LIMITED, REFUSED, UNKNOWN }

    record Attempt(long pollId, String voter, long candidateId) {
    }

    /**
     * What one attempt was told. {@code status} is 0 without an answer (timeout, reset); {@code type},
     * {@code detail}, {@code voteId} and {@code candidateId} are the body's, null when absent: the new vote's id for a
     * 202, the counted vote's id and candidate for a 409 {@code already_voted}, the attempt's vote for a
     * 503 that had formed one. {@code api} is the API process asked (1, 2, ...); {@code sentAt} and
     * {@code answeredAt} are {@link System#nanoTime()} readings.
     */
    record Outcome(Attempt attempt, Kind kind, int status, String type, String detail, UUID voteId, Long candidateId,
                   boolean retry, boolean hasRetryAfter, int api, long sentAt, long answeredAt) {
    }

    record Poll(long id, List<Long> candidates) {
    }

    private static final ObjectMapper MAPPER = Json.newMapper();
    private static final long NOT_ON_THE_BALLOT = 999_999_999L;
    /** More than the per-voter burst (RATE_LIMIT_VOTER_BURST, 10), faster than its refill. */
    private static final int HAMMER_ATTEMPTS = 12;

    private static final int RETRY_CONCURRENCY = 32;
    /** The share of attempts that repeat an earlier voter during a burst of repeats, per mille. */
    private static final int BURST_REPEATS_PER_MILLE = 600;

    private final HttpClient http;
    private final List<String> bases;
    private final AtomicLong turn = new AtomicLong();
    private final Queue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    private final Map<Long, Long> closedAt = new ConcurrentHashMap<>();
    private final Random random = new Random(20260101);
    private volatile long repeatsUntil = System.nanoTime();
    private final AtomicLong burstRepeats = new AtomicLong();

    LoadGenerator(List<Integer> apiPorts) {
        this.bases = apiPorts.stream().map(port -> "http://127.0.0.1:" + port).toList();
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
    }

    /**
     * Casts {@code perSecond} votes a second for {@code duration}; returns once every attempt has an
     * outcome. About one attempt in ten repeats an earlier voter; one in a hundred names a candidate
     * not on the ballot (refused); one voter in 250 hammers: twelve attempts in a row, past the
     * per-voter burst (rate-limited). During a {@link #burstRepeats burst of repeats}, six attempts in
     * ten repeat an earlier voter for a candidate other than that voter's first.
     */
    void run(List<Poll> polls, int perSecond, Duration duration) throws InterruptedException {
        List<Attempt> firsts = new ArrayList<>();
        Deque<Attempt> hammering = new ArrayDeque<>();
        long total = perSecond * duration.toSeconds();
        long intervalNanos = 1_000_000_000L / perSecond;
        long start = System.nanoTime();
        try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
            for (long i = 0; i < total; i++) {
                Attempt attempt;
                int dice = random.nextInt(1000);
                if (!hammering.isEmpty()) {
                    attempt = hammering.poll();
                } else if (dice < 10) {
                    Poll poll = polls.get(random.nextInt(polls.size()));
                    attempt = new Attempt(poll.id(), "chaos-voter-" + i, NOT_ON_THE_BALLOT);
                } else if (dice < 14) {
                    Poll poll = polls.get(random.nextInt(polls.size()));
                    attempt = new Attempt(poll.id(), "chaos-hammer-" + i, poll.candidates().getFirst());
                    firsts.add(attempt);
                    for (int k = 1; k < HAMMER_ATTEMPTS; k++) {
                        hammering.add(attempt);
                    }
                } else if (!firsts.isEmpty() && System.nanoTime() < repeatsUntil && dice < BURST_REPEATS_PER_MILLE) {
                    Attempt earlier = firsts.get(random.nextInt(firsts.size()));
                    Poll poll = polls.stream().filter(p -> p.id() == earlier.pollId()).findFirst().orElseThrow();
                    List<Long> others = poll.candidates().stream().filter(c -> c != earlier.candidateId()).toList();
                    attempt = new Attempt(poll.id(), earlier.voter(), others.get(random.nextInt(others.size())));
                    burstRepeats.incrementAndGet();
                } else if (!firsts.isEmpty() && dice < 114) {
                    Attempt earlier = firsts.get(random.nextInt(firsts.size()));
                    Poll poll = polls.stream().filter(p -> p.id() == earlier.pollId()).findFirst().orElseThrow();
                    attempt = new Attempt(poll.id(), earlier.voter(), poll.candidates().get(random.nextInt(poll.candidates().size())));
                } else {
                    Poll poll = polls.get(random.nextInt(polls.size()));
                    attempt = new Attempt(poll.id(), "chaos-voter-" + i, poll.candidates().get(random.nextInt(poll.candidates().size())));
                    firsts.add(attempt);
                }
                long due = start + i * intervalNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(Duration.ofNanos(wait));
                }
                Attempt sent = attempt;
                senders.submit(() -> outcomes.add(send(sent, false)));
            }
        }  // closing the executor waits for every attempt's outcome
    }

    /** From now on, for {@code length}, most attempts repeat voters who already voted (see {@link #run}). */
    void burstRepeats(Duration length) {
        repeatsUntil = System.nanoTime() + length.toNanos();
    }

    /**
     * Sends every attempt whose outcome is unknown again (same voter, poll and candidate) until it
     * gets a definite answer; returns how many are still unknown when {@code bound} runs out. Each
     * voter's attempts go in order, {@value #RETRY_CONCURRENCY} voters at a time (one at a time, the
     * thousands of unclear outcomes of a run took longer than its load).
     */
    int resolveUnknowns(Duration bound) throws InterruptedException {
        List<Attempt> open = outcomes.stream().filter(o -> o.kind() == Kind.UNKNOWN).map(Outcome::attempt).toList();
        long deadline = System.nanoTime() + bound.toNanos();
        while (!open.isEmpty() && System.nanoTime() < deadline) {
            Queue<Attempt> still = new ConcurrentLinkedQueue<>();
            Map<String, List<Attempt>> byVoter = open.stream().collect(
                    Collectors.groupingBy(a -> a.pollId() + "/" + a.voter(), LinkedHashMap::new, Collectors.toList()));
            Semaphore permits = new Semaphore(RETRY_CONCURRENCY);
            try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
                for (List<Attempt> voter : byVoter.values()) {
                    permits.acquire();
                    senders.submit(() -> {
                        try {
                            for (Attempt attempt : voter) {
                                Outcome outcome = send(attempt, true);
                                outcomes.add(outcome);
                                if (outcome.kind() == Kind.UNKNOWN) {
                                    still.add(attempt);
                                }
                            }
                        } finally {
                            permits.release();
                        }
                    });
                }
            }  // closing the executor waits for every retry
            open = List.copyOf(still);
            if (!open.isEmpty()) {
                Thread.sleep(1_000);
            }
        }
        return open.size();
    }

    /** How many attempts were repeats sent in bursts. */
    long burstRepeats() {
        return burstRepeats.get();
    }

    Collection<Outcome> outcomes() {
        return List.copyOf(outcomes);
    }

    /** When each poll closed here was closed: the {@link System#nanoTime()} just before the request went out. */
    Map<Long, Long> closedAt() {
        return Map.copyOf(closedAt);
    }

    /** GETs {@code path} from the first API process that answers, as a reader behind a load balancer would. */
    JsonNode get(String path) throws IOException, InterruptedException {
        IOException last = null;
        for (String base : bases) {
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + path))
                        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
                return MAPPER.readTree(response.body());
            } catch (IOException e) {
                last = e;
            }
        }
        throw last;
    }

    /** Closes the poll through API process {@code api} (1, 2, ...), as an admin would; true when it answered 200. */
    boolean closePoll(long pollId, int api) throws IOException, InterruptedException {
        closedAt.put(pollId, System.nanoTime());
        URI uri = URI.create(bases.get(api - 1) + "/api/v1/polls/" + pollId + "/close");
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + Tokens.admin())
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200;
    }

    /** Creates a poll through the first API process, as an admin would. */
    Poll poll(String title, String... candidates) throws IOException, InterruptedException {
        JsonNode poll = createPoll(title, candidates);
        List<Long> ids = new ArrayList<>();
        poll.path("candidates").forEach(c -> ids.add(c.path("id").asLong()));
        return new Poll(poll.path("id").asLong(), ids);
    }

    /** {@link #run} on a thread of its own: join it for the end of the load. */
    Thread start(List<Poll> polls, int perSecond, Duration duration) {
        return Thread.ofVirtual().name("load").start(() -> {
            try {
                run(polls, perSecond, duration);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    JsonNode createPoll(String title, String... candidates) throws IOException, InterruptedException {
        var body = MAPPER.createObjectNode().put("title", title);
        var list = body.putArray("candidates");
        for (String candidate : candidates) {
            list.addObject().put("name", candidate);
        }
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(bases.getFirst() + "/api/v1/polls"))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + Tokens.admin())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IllegalStateException("poll not created: " + response.statusCode() + " " + response.body());
        }
        return MAPPER.readTree(response.body());
    }

    private Outcome send(Attempt attempt, boolean retry) {
        int api = (int) (turn.getAndIncrement() % bases.size()) + 1;
        HttpRequest request = HttpRequest.newBuilder(URI.create(bases.get(api - 1) + "/api/v1/polls/" + attempt.pollId() + "/votes"))
                .timeout(Duration.ofSeconds(15))
                .header("Authorization", "Bearer " + Tokens.voter(attempt.voter()))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"candidateId\":" + attempt.candidateId() + "}"))
                .build();
        long sentAt = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            boolean retryAfter = response.headers().firstValue("Retry-After").isPresent();
            JsonNode body = response.body().isEmpty() ? MAPPER.nullNode() : MAPPER.readTree(response.body());
            String type = body.path("type").isTextual() ? body.path("type").asText() : null;
            String detail = body.path("detail").isTextual() ? body.path("detail").asText() : null;
            Kind kind = kindOf(status, type);
            Long candidateId = body.path("candidateId").isIntegralNumber() ? body.path("candidateId").asLong() : null;
            return new Outcome(attempt, kind, status, type, detail, uuid(body.path("voteId")), candidateId, retry, retryAfter,
                    api, sentAt, System.nanoTime());
        } catch (IOException e) {  // reset, refused, timed out, or a half-written answer
            return unanswered(attempt, retry, api, sentAt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unanswered(attempt, retry, api, sentAt);
        }
    }

    /** What an answer (its status and problem type; status 0 for none at all) means for the accounting. */
    static Kind kindOf(int status, String type) {
        return switch (status) {
            case 202 -> Kind.ACCEPTED;
            case 409 -> "/problems/already_voted".equals(type) ? Kind.ALREADY_VOTED : Kind.REFUSED;
            case 429 -> Kind.RATE_LIMITED;
            default -> status >= 500 || status == 0 ? Kind.UNKNOWN : Kind.REFUSED;
        };
    }

    private static Outcome unanswered(Attempt attempt, boolean retry, int api, long sentAt) {
        return new Outcome(attempt, Kind.UNKNOWN, 0, null, null, null, null, retry, false, api, sentAt, System.nanoTime());
    }

    /** A body's {@code voteId}, or null when it has none or not a UUID (which the verdict then counts against the answer). */
    private static UUID uuid(JsonNode node) {
        if (!node.isTextual()) {
            return null;
        }
        try {
            return UUID.fromString(node.asText());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    void close() {
        http.close();
    }
}
