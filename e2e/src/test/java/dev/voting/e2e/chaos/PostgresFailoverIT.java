package dev.voting.e2e.chaos;

import dev.voting.e2e.chaos.LoadGenerator.Kind;
import dev.voting.e2e.chaos.LoadGenerator.Poll;
import dev.voting.testkit.Services;
import dev.voting.testkit.process.LocalPostgres;
import dev.voting.testkit.process.LocalRabbit;
import dev.voting.testkit.process.LocalRedis;
import dev.voting.testkit.process.Processes;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A PostgreSQL primary and its streaming replica (made by {@code pg_basebackup}); the apps are given
 * both hosts in one libpq URL and the replica as {@code DATABASE_REPLICA_URL}. Under load the primary
 * is killed ({@code kill -9}) and, a few seconds later, the replica promoted, as a failover manager
 * would. The accepted votes wait in the queue and are all counted once, nothing is dead-lettered, and
 * poll lists are served by the replica while there is no primary.
 */
class PostgresFailoverIT {
    private static final int VOTES_PER_SECOND = 80;
    private static final int SECONDS = 40;
    /** How long there is no primary. */
    private static final Duration GAP = Duration.ofSeconds(8);

    private final Timeline timeline = new Timeline("postgres-failover");

    @Test
    void votesAcceptedWhileThePrimaryDiesAreAllCountedOnceAfterThePromotion() throws Exception {
        if (!(LocalPostgres.available() && LocalRabbit.available() && LocalRedis.available())) {
            throw Services.missing("the failover test needs PostgreSQL 15, rabbitmq-server and redis-server installed locally");
        }
        Path home = Path.of("target", "postgres-failover").toAbsolutePath();
        ChaosCluster.deleteRecursively(home);
        try (LocalRabbit rabbit = new LocalRabbit(home.resolve("rabbitmq"));
             LocalRedis redis = new LocalRedis(home.resolve("redis"));
             LocalPostgres primary = new LocalPostgres(home.resolve("primary")).start();
             LocalPostgres replica = LocalPostgres.replicaOf(primary, home.resolve("replica")).start()) {
            rabbit.start();
            redis.start();
            timeline.note("primary on %d, replica on %d", primary.port(), replica.port());
            String both = "postgresql://postgres@127.0.0.1:" + primary.port() + ",127.0.0.1:" + replica.port() + "/postgres";
            try (FailoverApps apps = new FailoverApps(home.resolve("logs"), Map.of("DATABASE_URL", both,
                    "DATABASE_REPLICA_URL", replica.url(), "REDIS_URL", redis.url(), "RABBITMQ_URL", rabbit.url())).start()) {
                run(primary, replica, apps);
            } finally {
                timeline.write(home.resolve("timeline.log"));
            }
        }
    }

    private void run(LocalPostgres primary, LocalPostgres replica, FailoverApps apps) throws Exception {
        timeline.note("API and two workers up, PIDs %s", apps.pids());
        LoadGenerator load = new LoadGenerator(List.of(apps.apiPort()));
        try (HttpClient http = HttpClient.newHttpClient()) {
            Poll poll = load.poll("Failover", "Ada", "Grace", "Linus");
            Thread voting = load.start(List.of(poll), VOTES_PER_SECOND, Duration.ofSeconds(SECONDS));
            timeline.note("load started: %d votes/s for %d s", VOTES_PER_SECOND, SECONDS);
            Processes.sleep(Duration.ofSeconds(8));
            primary.kill();
            long killed = timeline.note("killed the primary (kill -9)");
            Processes.sleep(Duration.ofSeconds(2));
            int listed = status(http, apps, "/api/v1/polls");
            timeline.note("GET /api/v1/polls without a primary: %d", listed);
            Processes.sleep(GAP.minusSeconds(2));
            replica.promote();
            long promoted = timeline.note("promoted the replica");

            FailoverApps.Settled settled;
            try (Connection database = replica.connect()) {
                settled = apps.settle(voting, load, timeline, database);
            }
            Verdict verdict = settled.verdict();
            long deadLetters = settled.deadLetters();
            long acceptedWithoutPrimary = load.outcomes().stream()
                    .filter(o -> !o.retry() && o.kind() == Kind.ACCEPTED && o.sentAt() > killed && o.sentAt() < promoted).count();
            timeline.note("%s", verdict.line());
            timeline.note("accepted without a primary: %d; dead letters: %d", acceptedWithoutPrimary, deadLetters);
            String dead = apps.dead();
            assertAll(verdict.line(),
                    () -> assertEquals("", dead, "the API and the workers outlived the primary"),
                    () -> assertEquals(200, listed, "poll lists come from the replica while there is no primary"),
                    () -> assertTrue(acceptedWithoutPrimary > 0, "votes were taken while there was no primary"),
                    () -> assertEquals(0, verdict.unresolved(), "every unclear outcome got a definite answer on retry"),
                    () -> assertTrue(verdict.accepted() > VOTES_PER_SECOND * SECONDS / 2, "most votes were accepted"),
                    () -> assertEquals(0, verdict.lost(), "lost"),
                    () -> assertEquals(0, verdict.phantom(), "phantom"),
                    () -> assertEquals(0, verdict.doubleCounted(), "double counted"),
                    () -> assertEquals(0, deadLetters, "nothing dead-lettered"));
        } finally {
            load.close();
        }
    }

    private static int status(HttpClient http, FailoverApps apps, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apps.apiPort() + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
