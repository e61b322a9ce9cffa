package dev.voting.e2e.chaos;

import dev.voting.e2e.chaos.LoadGenerator.Poll;
import dev.voting.testkit.Services;
import dev.voting.testkit.process.LocalPostgres;
import dev.voting.testkit.process.LocalRabbitCluster;
import dev.voting.testkit.process.LocalRedis;
import dev.voting.testkit.process.Processes;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A three-node RabbitMQ cluster under load: the node holding the vote queue's leader is killed
 * ({@code kill -9}) and restarted, then two nodes at once. Every vote answered 202 is counted exactly
 * once; votes are taken while a majority of nodes is up, and answered 503 with {@code Retry-After}
 * while it is not. About two minutes; {@code make test-cluster}.
 */
class RabbitClusterIT {
    private static final int VOTES_PER_SECOND = 80;
    /** Long enough for both faults and a slow node restart (10 to 35 s on a busy machine) in between. */
    private static final int SECONDS = 75;
    /** Time for the clients whose node died to reconnect and for the queue to elect a leader (measured: under 2 s). */
    private static final Duration SETTLE = Duration.ofSeconds(4);
    /** How long one node, then two, stay down. */
    private static final Duration WINDOW = Duration.ofSeconds(12);

    private final Timeline timeline = new Timeline("rabbit-cluster");

    @Test
    void votesAreCountedOnceThroughTheLossOfTheLeadersNodeAndRefusedWithRetryAfterWithoutAMajority() throws Exception {
        if (!(LocalRabbitCluster.available() && LocalPostgres.available() && LocalRedis.available())) {
            throw Services.missing("the cluster test needs rabbitmq-server (run as root, with the rabbitmq user's cookie), "
                    + "PostgreSQL 15 and redis-server installed locally");
        }
        Path home = Path.of("target", "rabbit-cluster").toAbsolutePath();
        ChaosCluster.deleteRecursively(home);
        try (LocalRabbitCluster rabbit = new LocalRabbitCluster(home.resolve("rabbitmq"), 3);
             LocalPostgres postgres = new LocalPostgres(home.resolve("postgresql"));
             LocalRedis redis = new LocalRedis(home.resolve("redis"))) {
                CompletableFuture<Void> broker = CompletableFuture.runAsync(rabbit::start);
            postgres.start();
            redis.start();
            broker.join();
            timeline.note("three nodes up, PIDs %s", rabbit.pids());
            try (FailoverApps apps = new FailoverApps(home.resolve("logs"), Map.of("DATABASE_URL", postgres.url(),
                    "REDIS_URL", redis.url(), "RABBITMQ_URL", rabbit.url())).start()) {
                run(rabbit, postgres, apps);
            } finally {
                timeline.write(home.resolve("timeline.log"));
            }
        }
    }

    private void run(LocalRabbitCluster rabbit, LocalPostgres postgres, FailoverApps apps) throws Exception {
        timeline.note("API and two workers up, PIDs %s", apps.pids());
        Map<String, LocalRabbitCluster.Replicas> queues = rabbit.replicas(1);
        timeline.note("queues: %s", queues);
        int leader = queues.get(FailoverApps.QUEUE).leader();
        assertEquals(3, queues.get(FailoverApps.QUEUE).members(), "the vote queue is replicated on all three nodes");
        assertEquals(3, queues.get(FailoverApps.QUEUE + ".dlq").members(), "and so is its DLQ");
        LoadGenerator load = new LoadGenerator(List.of(apps.apiPort()));
        try {
            Poll poll = load.poll("Cluster", "Ada", "Grace", "Linus");
            Thread voting = load.start(List.of(poll), VOTES_PER_SECOND, Duration.ofSeconds(SECONDS));
            timeline.note("load started: %d votes/s for %d s", VOTES_PER_SECOND, SECONDS);
            Processes.sleep(Duration.ofSeconds(5));
            rabbit.kill(leader);
            long leaderKilled = timeline.note("killed node %d, the queue leader's (kill -9)", leader);
            Processes.sleep(WINDOW);
            long restarting = timeline.note("restarting node %d", leader);
            rabbit.start(leader);
            timeline.note("node %d back", leader);

            Processes.sleep(Duration.ofSeconds(3));
            int survivor = leader;  // just rejoined: the two others go
            List<Integer> killed = List.of(1, 2, 3).stream().filter(n -> n != survivor).toList();
            killed.forEach(rabbit::kill);
            long majorityLost = timeline.note("killed nodes %s: no majority", killed);
            Processes.sleep(WINDOW);
            long majorityBack = timeline.note("restarting nodes %s", killed);
            CompletableFuture.allOf(killed.stream().map(n -> CompletableFuture.runAsync(() -> rabbit.start(n)))
                    .toArray(CompletableFuture[]::new)).join();
            timeline.note("nodes %s back", killed);

            FailoverApps.Settled settled;
            try (Connection database = postgres.connect()) {
                settled = apps.settle(voting, load, timeline, database);
            }
            Verdict verdict = settled.verdict();
            long deadLetters = settled.deadLetters();
            Window withMajority = Window.of(load.outcomes(), leaderKilled + SETTLE.toNanos(), restarting);
            Window withoutMajority = Window.of(load.outcomes(), majorityLost + SETTLE.toNanos(), majorityBack);
            timeline.note("with one node down, the last 503 went to a vote sent %.1f s after the node died", load.outcomes().stream()
                    .filter(o -> !o.retry() && o.status() == 503 && o.sentAt() > leaderKilled && o.sentAt() < restarting)
                    .mapToLong(o -> o.sentAt() - leaderKilled).max().orElse(0) / 1e9);
            timeline.note("%s", verdict.line());
            timeline.note("one node down: %s; two nodes down: %s", withMajority, withoutMajority);
            String dead = apps.dead();
            assertAll(verdict.line(),
                    () -> assertEquals("", dead, "the API and the workers outlived every node's death"),
                    () -> assertEquals(0, verdict.unresolved(), "every unclear outcome got a definite answer on retry"),
                    () -> assertTrue(verdict.accepted() > VOTES_PER_SECOND * SECONDS / 2, "most votes were accepted"),
                    () -> assertEquals(0, verdict.lost(), "lost"),
                    () -> assertEquals(0, verdict.phantom(), "phantom"),
                    () -> assertEquals(0, verdict.doubleCounted(), "double counted"),
                    () -> assertEquals(0, deadLetters, "nothing dead-lettered"),
                    () -> assertTrue(withMajority.accepted() > 0 && withMajority.unavailable() * 20 <= withMajority.attempts(),
                            "with two nodes of three, votes are taken (fewer than 5% 503s): " + withMajority),
                    () -> assertEquals(0, withoutMajority.accepted(), "with one node of three, no vote is taken: " + withoutMajority),
                    () -> assertTrue(withoutMajority.unavailable() > 0 && withoutMajority.withoutRetryAfter() == 0
                                    && withoutMajority.unanswered() == 0,
                            "with one node of three, votes are answered 503 with Retry-After: " + withoutMajority));
        } finally {
            load.close();
        }
    }
}
