package dev.voting.e2e;

import dev.voting.api.ApiConfig;
import dev.voting.worker.WorkerConfig;
import com.fasterxml.jackson.databind.JsonNode;
import dev.voting.api.app.ApiApplication;
import dev.voting.testkit.ApiClient;
import dev.voting.testkit.Isolated;
import dev.voting.worker.WorkerApplication;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole pipeline, HTTP → RabbitMQ → worker → PostgreSQL and Redis → results, under concurrent
 * load with repeats, checked to the last vote.
 */
class VotePipelineIT {
    private static final int VOTERS = 1_500;
    private static final int ATTEMPTS = 2_000;
    private static final int CLIENTS = 32;

    private record Attempt(String voter, long candidateId) {
    }

    private record Outcome(Attempt attempt, int status, String voteId, String originalVoteId) {
    }

    @Test
    void everyVoteIsCountedOnceWithOneWorker() throws Exception {
        castAndCheck(1);
    }

    @Test
    void everyVoteIsCountedOnceWithThreeWorkersAtOnce() throws Exception {
        castAndCheck(3);
    }

    private void castAndCheck(int workers) throws Exception {
        try (Isolated env = Isolated.create();
             ApiApplication api = ApiApplication.start(ApiConfig.from(env.environment()), Clock.systemUTC());
             ApiClient client = new ApiClient(api.port())) {
            List<WorkerApplication> running = new ArrayList<>();
            try {
                for (int i = 0; i < workers; i++) {
                    running.add(WorkerApplication.start(WorkerConfig.from(env.environment())));
                }
                JsonNode poll = client.createPoll("Pipeline with " + workers + " workers", "Ada", "Grace", "Linus", "Barbara");
                long pollId = poll.path("id").asLong();
                List<Long> candidates = new ArrayList<>();
                poll.path("candidates").forEach(c -> candidates.add(c.path("id").asLong()));

                long start = System.nanoTime();
                List<Outcome> outcomes = cast(client, pollId, attempts(candidates));
                double sendSeconds = (System.nanoTime() - start) / 1e9;
                Checks.awaitCounted(env, pollId, VOTERS, Duration.ofSeconds(60));
                double totalSeconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("e2e (%d workers): %d attempts sent in %.2f s (%.0f req/s); %d votes counted after %.2f s (%.0f votes/s)%n",
                        workers, ATTEMPTS, sendSeconds, ATTEMPTS / sendSeconds, VOTERS, totalSeconds, VOTERS / totalSeconds);

                Map<Integer, Long> byStatus = outcomes.stream().collect(Collectors.groupingBy(Outcome::status, Collectors.counting()));
                assertEquals(Map.of(202, (long) VOTERS, 409, (long) (ATTEMPTS - VOTERS)), byStatus,
                        "each voter's first attempt is accepted and every repeat is answered 409");

                Map<String, Outcome> acceptedByVoter = new HashMap<>();
                Map<Long, Long> expected = new HashMap<>();
                for (Outcome outcome : outcomes) {
                    if (outcome.status() == 202) {
                        assertTrue(acceptedByVoter.put(outcome.attempt().voter(), outcome) == null, "one 202 per voter");
                        expected.merge(outcome.attempt().candidateId(), 1L, Long::sum);
                    }
                }
                for (Outcome outcome : outcomes) {
                    if (outcome.status() == 409) {
                        assertEquals(acceptedByVoter.get(outcome.attempt().voter()).voteId(), outcome.originalVoteId(),
                                "a 409 names the vote that was accepted");
                    }
                }
                candidates.forEach(c -> expected.putIfAbsent(c, 0L));
                Checks.assertExact(env, client, pollId, expected);
                assertEquals(0, env.queryLong("SELECT count(*) FROM rejected_votes WHERE poll_id = ?", pollId),
                        "no repeat reached the worker");
            } finally {
                running.forEach(WorkerApplication::close);
            }
        }
    }

    /** 1,500 first votes and 500 repeats by the same voters, shuffled so that repeats race their originals. */
    private static List<Attempt> attempts(List<Long> candidates) {
        Random random = new Random(42);
        List<Attempt> attempts = new ArrayList<>(ATTEMPTS);
        for (int i = 0; i < VOTERS; i++) {
            attempts.add(new Attempt("voter-" + i, candidates.get(random.nextInt(candidates.size()))));
        }
        for (int i = VOTERS; i < ATTEMPTS; i++) {
            attempts.add(new Attempt("voter-" + random.nextInt(VOTERS), candidates.get(random.nextInt(candidates.size()))));
        }
        Collections.shuffle(attempts, random);
        return attempts;
    }

    private static List<Outcome> cast(ApiClient client, long pollId, List<Attempt> attempts) throws Exception {
        List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
        var queue = new java.util.concurrent.ConcurrentLinkedQueue<>(attempts);
        Map<String, Boolean> seen = new ConcurrentHashMap<>();
        try (ExecutorService clients = Executors.newFixedThreadPool(CLIENTS, Thread.ofVirtual().factory())) {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                running.add(clients.submit(() -> {
                    Attempt attempt;
                    while ((attempt = queue.poll()) != null) {
                        ApiClient.Reply reply = client.vote(pollId, attempt.voter(), attempt.candidateId());
                        seen.put(attempt.voter(), true);
                        String voteId = reply.status() == 202 ? reply.json().path("voteId").asText() : null;
                        String original = reply.status() == 409 ? reply.json().path("voteId").asText() : null;
                        outcomes.add(new Outcome(attempt, reply.status(), voteId, original));
                    }
                    return null;
                }));
            }
            for (Future<?> future : running) {
                future.get();
            }
        }
        assertEquals(VOTERS, seen.size());
        return outcomes;
    }
}
