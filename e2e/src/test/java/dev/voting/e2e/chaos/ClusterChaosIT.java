package dev.voting.e2e.chaos;

import dev.voting.e2e.chaos.LoadGenerator.Poll;
import dev.voting.testkit.Services;
import dev.voting.testkit.process.LocalHaproxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The system as it runs beyond one machine, every engine replicated: three RabbitMQ nodes, a
 * PostgreSQL primary with a streaming replica, Redis behind three Sentinels, HAProxy in front of two
 * API processes, three workers. Votes arrive through HAProxy while, one after the other, the queue
 * leader's node is killed and restarted, another node is frozen for 15 s, the PostgreSQL primary is
 * killed and the replica promoted, the Redis master is killed, an API process is killed and
 * restarted, and at last two RabbitMQ nodes die at once. Every answer must be true, every accepted
 * vote counted exactly once in PostgreSQL and Redis; votes are taken while a majority of nodes is
 * up and answered 503 with {@code Retry-After} while it is not. CI runs 110 s of load; {@code make
 * chaos-cluster} 200 s ({@code -Dcluster.chaos.seconds}).
 */
class ClusterChaosIT {
    private static final int VOTES_PER_SECOND = 100;

    @Test
    void throughEveryEnginesFailoverEveryAnswerIsTrueAndEveryVoteCountedOnce() throws Exception {
        if (!(ReplicatedEngines.available() && LocalHaproxy.available())) {
            throw Services.missing("the cluster chaos test needs rabbitmq-server (run as root), PostgreSQL 15, redis-server "
                    + "and haproxy installed locally");
        }
        int seconds = Integer.getInteger("cluster.chaos.seconds", 110);
        Path home = Path.of("target", "cluster-chaos").toAbsolutePath();
        ChaosCluster.deleteRecursively(home);
        Files.createDirectories(home);
        Timeline timeline = new Timeline("cluster-chaos");
        try (ReplicatedEngines engines = new ReplicatedEngines(home).start()) {
            timeline.note("engines up: RabbitMQ %s, PostgreSQL primary %s and replica %s, Redis Sentinels %s",
                    engines.rabbit().pids(), engines.primary().process(), engines.replica().process(), engines.redis().sentinels());
            try (FailoverApps apps = new FailoverApps(home.resolve("logs"), engines.environment(), 2, 3).start();
                 LocalHaproxy haproxy = new LocalHaproxy(home.resolve("haproxy"), apps.apiPorts()).start()) {
                timeline.note("two APIs and three workers up, PIDs %s; HAProxy (pid %d) on %d", apps.pids(), haproxy.pid(),
                        haproxy.port());
                run(seconds, engines, apps, haproxy, timeline, home);
            } finally {
                timeline.write(home.resolve("timeline.log"));
            }
        }
    }

    private static void run(int seconds, ReplicatedEngines engines, FailoverApps apps, LocalHaproxy haproxy, Timeline timeline,
                            Path home) throws Exception {
        LoadGenerator load = new LoadGenerator(List.of(haproxy.port()));
        try {
            List<Poll> polls = List.of(load.poll("Cluster A", "Ada", "Grace", "Linus"), load.poll("Cluster B", "Red", "Blue"));
            Thread voting = load.start(polls, VOTES_PER_SECOND, Duration.ofSeconds(seconds));
            long start = timeline.note("load started: %d votes/s through HAProxy for %d s", VOTES_PER_SECOND, seconds);
            ClusterFaults faults = new ClusterFaults(engines, apps, load, timeline, start, seconds);
            List<ClusterFaults.Struck> struck = faults.strike();
            FailoverApps.Settled settled;
            try (Connection database = engines.replica().connect()) {  // the promoted replica is the primary now
                settled = apps.settle(voting, load, timeline, database, polls);
            }
            Verdict verdict = settled.verdict();
            Files.write(home.resolve("answers.log"), load.outcomes().stream()
                    .sorted(Comparator.comparingLong(LoadGenerator.Outcome::sentAt)).map(o -> ChaosRun.describe(o, start)).toList());
            List<String> summary = new ArrayList<>(List.of(verdict.line()));
            for (ClusterFaults.Struck s : struck) {
                summary.add(s.describe());
                timeline.note("%s", s.describe());
            }
            timeline.note("%s", verdict.line());
            Files.write(home.resolve("summary.txt"), summary);
            String dead = apps.dead();
            List<Executable> checks = new ArrayList<>(verdict.exactlyOnce());
            checks.addAll(List.of(
                    () -> assertEquals("", dead, "the APIs and the workers outlived every failover"),
                    () -> assertTrue(verdict.accepted() > VOTES_PER_SECOND * seconds / 2, "most votes were accepted"),
                    () -> assertEquals(0, settled.deadLetters(), "nothing dead-lettered")));
            for (ClusterFaults.Struck s : struck) {
                checks.add(() -> assertTrue(s.held(), s.describe()));
            }
            assertAll(verdict.line(), checks);
        } finally {
            load.close();
        }
    }
}
