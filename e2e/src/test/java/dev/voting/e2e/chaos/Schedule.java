package dev.voting.e2e.chaos;

import dev.voting.e2e.chaos.Fault.Stage;
import dev.voting.e2e.chaos.Fault.Track;
import dev.voting.testkit.process.Child;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * The faults of a chaos run, numbered in the order they are due. Each strikes one component (its
 * {@link Track}); a component's faults strike one after the other, each not before its time (so a
 * slow one delays only the next of that component), and different components' faults interleave.
 * The times are spread so that, on a machine that is not overloaded, one fault ends before the next
 * begins and all of them fall within the 60 s of CI's load. Every PID signalled and every server
 * commanded is written to the timeline as it happens.
 */
final class Schedule {
    static final List<String> POISON = List.of(
            "chaos-poison-1: not JSON at all",
            "{\"votes\": [], \"note\": \"chaos-poison-2: an empty batch\"}",
            "{\"voteId\": \"chaos-poison-3\", \"pollId\": \"not a number\"}");

    /** Well past the APIs' confirm timeout ({@link ChaosCluster#CONFIRM_TIMEOUT}). */
    static final Duration BROKER_STALL = Duration.ofSeconds(3);

    private Schedule() {
    }

    static List<Fault> faults() {
        return List.of(
                new Fault("worker kill -9, restarted", Track.WORKERS, 0.03, s -> {
                    Child worker = s.cluster().worker(1);
                    signal(s, "KILL", worker);
                    worker.kill();
                    pause(Duration.ofSeconds(1));
                    worker.start();
                    s.timeline().note("restarted as %s", worker);
                    return true;
                }),
                new Fault("broker stalled (SIGSTOP) for " + BROKER_STALL.toSeconds() + " s, past the APIs' confirm timeout of "
                        + ChaosCluster.CONFIRM_TIMEOUT.toMillis() + " ms", Track.BROKER, 0.06, s -> {
                    Child broker = s.cluster().rabbit().process();
                    signal(s, "STOP", broker);
                    broker.pause();
                    try {
                        pause(BROKER_STALL);
                    } finally {
                        signal(s, "CONT", broker);
                        broker.resume();
                    }
                    return true;
                }),
                new Fault("Redis wiped (FLUSHALL, still up), then a burst of repeats for 3 s", Track.REDIS, 0.15, s -> {
                    s.timeline().note("FLUSHALL on %s", s.cluster().redis().process());
                    s.cluster().flushRedis();
                    s.load().burstRepeats(Duration.ofSeconds(3));
                    return true;
                }),
                new Fault("worker halted after its commit, before Redis and the ack", Track.WORKERS, 0.17, s -> {
                    Child halting = s.cluster().haltingWorker().start();
                    s.timeline().note("started %s; it halts itself", halting);
                    return halting.await(Duration.ofSeconds(60)) && halting.exitCode() == 86;
                }),
                new Fault("Redis answers errors: OOM for 3 s (maxmemory 1, noeviction), then CLIENT PAUSE WRITE for 2 s",
                        Track.REDIS, 0.22, s -> {
                    s.timeline().note("CONFIG SET maxmemory 1 on %s", s.cluster().redis().process());
                    boolean refused = s.cluster().redisOutOfMemory(Duration.ofSeconds(3));
                    s.timeline().note("maxmemory restored (a probe write was refused with OOM: %s); CLIENT PAUSE 2000 WRITE", refused);
                    s.cluster().pauseRedisWrites(Duration.ofSeconds(2));
                    pause(Duration.ofSeconds(2));
                    return refused;
                }),
                new Fault("PostgreSQL terminates the workers' sessions", Track.POSTGRESQL, 0.30, s -> {
                    int sessions = s.cluster().postgres().terminateSessions("worker");
                    s.timeline().note("pg_terminate_backend on %s: %d sessions", s.cluster().postgres().process(), sessions);
                    return sessions > 0;
                }),
                new Fault("PostgreSQL read-only for 5 s (default_transaction_read_only, as after a failover)", Track.POSTGRESQL, 0.32, s -> {
                    String on;
                    try {
                        on = s.cluster().postgresReadOnly(true);
                        s.timeline().note("ALTER SYSTEM + pg_reload_conf on %s: read-only=%s", s.cluster().postgres().process(), on);
                        pause(Duration.ofSeconds(5));
                    } finally {
                        s.timeline().note("read-only reset: read-only=%s", s.cluster().postgresReadOnly(false));
                    }
                    return on.equals("on");
                }),
                new Fault("poll C closed through api-1 while both APIs take votes for it", Track.POSTGRESQL, 0.43, s -> {
                    boolean closed = s.load().closePoll(s.closing().id(), 1);
                    s.timeline().note("POST /api/v1/polls/%d/close to %s: %s", s.closing().id(), s.cluster().api(1),
                            closed ? "200" : "refused");
                    return closed;
                }),
                new Fault("the broker closes all connections", Track.BROKER, 0.47, s -> {
                    s.timeline().note("rabbitmqctl close_all_connections on %s", s.cluster().rabbit().process());
                    s.cluster().rabbit().closeAllConnections();
                    return true;
                }),
                new Fault("a worker paused (SIGSTOP) for 8 s", Track.WORKERS, 0.50, s -> {
                    Child worker = s.cluster().worker(2);
                    signal(s, "STOP", worker);
                    worker.pause();
                    try {
                        pause(Duration.ofSeconds(8));
                    } finally {
                        signal(s, "CONT", worker);
                        worker.resume();
                    }
                    return true;
                }),
                new Fault("PostgreSQL crash (immediate stop), 3 s away, restarted", Track.POSTGRESQL, 0.54, s -> {
                    signal(s, "QUIT", s.cluster().postgres().process());
                    s.cluster().postgres().crash();
                    pause(Duration.ofSeconds(3));
                    s.cluster().postgres().start();
                    s.timeline().note("restarted as %s", s.cluster().postgres().process());
                    return true;
                }),
                new Fault("Redis loses everything (kill -9, 3 s away, restarted empty)", Track.REDIS, 0.63, s -> {
                    signal(s, "KILL", s.cluster().redis().process());
                    s.cluster().redis().kill();
                    pause(Duration.ofSeconds(3));
                    s.cluster().redis().start();
                    s.timeline().note("restarted as %s", s.cluster().redis().process());
                    return true;
                }),
                new Fault("broker kill -9, restarted", Track.BROKER, 0.70, s -> {
                    signal(s, "KILL", s.cluster().rabbit().process());
                    s.cluster().rabbit().kill();
                    pause(Duration.ofSeconds(1));
                    s.cluster().rabbit().start();
                    s.timeline().note("restarted as %s", s.cluster().rabbit().process());
                    return true;
                }),
                new Fault("api-1 kill -9, restarted", Track.API, 0.86, s -> {
                    signal(s, "KILL", s.cluster().api(1));
                    s.cluster().api(1).kill();
                    int starts = s.cluster().restartApi(1, Duration.ofSeconds(90));
                    s.timeline().note("restarted as %s (%d start%s)", s.cluster().api(1), starts, starts == 1 ? "" : "s");
                    return true;
                }),
                new Fault("three poison messages published straight to the queue", Track.BROKER, 0.93, s -> {
                    POISON.forEach(body -> s.cluster().publishRaw("vote", body.getBytes(StandardCharsets.UTF_8)));
                    return true;
                }));
    }

    private static void signal(Stage stage, String signal, Child child) {
        stage.timeline().note("SIG%s to %s", signal, child);
    }

    static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
