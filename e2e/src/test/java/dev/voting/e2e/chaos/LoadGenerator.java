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
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Casts votes at a steady rate on virtual threads, some of them repeats, refusals and bursts past
 * the rate limit, and records what became of every attempt. Anything without a definite answer (timeout, reset,
 * 5xx) is {@link Kind#UNKNOWN} and is retried later until it gets one.
 */
final class LoadGenerator {
    enum Kind { ACCEPTED, ALREADY_VOTED, RATE_LIMITED, REFUSED, UNKNOWN }

    record Attempt(long pollId, String voter, long candidateId) {
    }

    /** {@code voteId} is the new vote's id for a 202 and the original's for a 409 {@code already_voted}. */
    record Outcome(Attempt attempt, Kind kind, int status, UUID voteId, boolean retry, boolean hasRetryAfter) {
    }

    record Poll(long id, List<Long> candidates) {
    }

    private static final ObjectMapper MAPPER = Json.newMapper();
    private static final long NOT_ON_THE_BALLOT = 999_999_999L;
    /** More than the per-voter burst (RATE_LIMIT_VOTER_BURST, 10), faster than its refill. */
    private static final int HAMMER_ATTEMPTS = 12;

    private final HttpClient http;
    private final String base;
    private final Queue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    private final Random random = new Random(20260101);

    LoadGenerator(int apiPort) {
        this.base = "http://127.0.0.1:" + apiPort;
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
     * per-voter burst (rate-limited).
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

    /**
     * Sends every attempt whose outcome is unknown again (same voter, poll and candidate) until it
     * gets a definite answer; returns how many are still unknown when {@code bound} runs out.
     */
    int resolveUnknowns(Duration bound) throws InterruptedException {
        List<Attempt> open = outcomes.stream().filter(o -> o.kind() == Kind.UNKNOWN).map(Outcome::attempt).toList();
        long deadline = System.nanoTime() + bound.toNanos();
        while (!open.isEmpty() && System.nanoTime() < deadline) {
            List<Attempt> still = new ArrayList<>();
            for (Attempt attempt : open) {
                Outcome outcome = send(attempt, true);
                outcomes.add(outcome);
                if (outcome.kind() == Kind.UNKNOWN) {
                    still.add(attempt);
                }
            }
            open = still;
            if (!open.isEmpty()) {
                Thread.sleep(1_000);
            }
        }
        return open.size();
    }

    Collection<Outcome> outcomes() {
        return List.copyOf(outcomes);
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        return MAPPER.readTree(response.body());
    }

    JsonNode createPoll(String title, String... candidates) throws IOException, InterruptedException {
        var body = MAPPER.createObjectNode().put("title", title);
        var list = body.putArray("candidates");
        for (String candidate : candidates) {
            list.addObject().put("name", candidate);
        }
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/polls"))
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
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/v1/polls/" + attempt.pollId() + "/votes"))
                .timeout(Duration.ofSeconds(15))
                .header("Authorization", "Bearer " + Tokens.voter(attempt.voter()))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"candidateId\":" + attempt.candidateId() + "}"))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            boolean retryAfter = response.headers().firstValue("Retry-After").isPresent();
            JsonNode body = response.body().isEmpty() ? MAPPER.nullNode() : MAPPER.readTree(response.body());
            Kind kind = switch (status) {
                case 202 -> Kind.ACCEPTED;
                case 409 -> "already_voted".equals(body.path("type").asText()) ? Kind.ALREADY_VOTED : Kind.REFUSED;
                case 429 -> Kind.RATE_LIMITED;
                default -> status >= 500 ? Kind.UNKNOWN : Kind.REFUSED;
            };
            UUID voteId = kind == Kind.ACCEPTED || kind == Kind.ALREADY_VOTED ? UUID.fromString(body.path("voteId").asText()) : null;
            return new Outcome(attempt, kind, status, voteId, retry, retryAfter);
        } catch (IOException e) {  // reset, refused, timed out, or a half-written answer
            return new Outcome(attempt, Kind.UNKNOWN, 0, null, retry, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(attempt, Kind.UNKNOWN, 0, null, retry, false);
        }
    }

    void close() {
        http.close();
    }
}
