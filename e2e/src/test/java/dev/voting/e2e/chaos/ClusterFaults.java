package dev.voting.e2e.chaos;

import dev.voting.testkit.process.LocalRabbitCluster;
import dev.voting.testkit.process.Processes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The faults of {@link ClusterChaosIT}, one after the other, each after a quiet spell that grows with
 * the length of the run: every engine's failover in turn, an API's crash, and at the end the loss
 * of the RabbitMQ majority. Each fault records the window of votes it is judged by and what must
 * hold there; how long its failover took is measured from the answers and the engines themselves.
 */
final class ClusterFaults {
    /** Time for clients of a dead node or process to move on (a new queue leader: under 2 s measured). */
    private static final Duration SETTLE = Duration.ofSeconds(4);
    private static final Duration NODE_DOWN = Duration.ofSeconds(8);
    private static final Duration NODE_PAUSED = Duration.ofSeconds(15);
    private static final Duration NO_PRIMARY = Duration.ofSeconds(3);
    /** How long the last fault, the loss of the majority, lasts; it begins this long before the load ends. */
    private static final Duration NO_MAJORITY = Duration.ofSeconds(12);

    /** What must hold for the votes sent in a fault's window. */
    enum Expect {
        /** Votes are taken: fewer than 5 % answered 503 (with Retry-After). */
        TAKEN(w -> w.accepted() > 0 && w.unavailable() * 20 <= w.attempts() && w.withoutRetryAfter() == 0),
        /** A short outage is allowed, answered 503 with Retry-After, but votes are taken again within the window. */
        RECOVERS(w -> w.accepted() > 0 && w.withoutRetryAfter() == 0),
        /** No vote is taken; every one is answered 503 with Retry-After. */
        REFUSED(w -> w.attempts() > 0 && w.accepted() == 0 && w.unanswered() == 0 && w.withoutRetryAfter() == 0);

        private final Predicate<Window> holds;

        Expect(Predicate<Window> holds) {
            this.holds = holds;
        }
    }

    /**
     * A fault as it happened: when it struck and the window of votes it is judged by ({@link System#nanoTime()}),
     * what was measured, whether what it is checked by besides the votes held, and what must hold for the votes.
     */
    record Struck(String name, long at, long from, long to, Supplier<String> measured, boolean observed, Expect expect, LoadGenerator load) {
        Window window() {
            return Window.of(load.outcomes(), from, to);
        }

        boolean held() {
            return observed && expect.holds.test(window());
        }

        String describe() {
            return String.format("%-52s %s; %s; votes %s: %s -> %s", name, measured.get(), lastNotTaken(), expect, window(),
                    held() ? "held" : "FAILED");
        }

        /** When, after the fault, the last vote up to the window's end was not taken (503 or no answer). */
        private String lastNotTaken() {
            return load.outcomes().stream().filter(o -> !o.retry() && o.sentAt() >= at && o.sentAt() <= to
                            && (o.status() >= 500 || o.status() == 0)).mapToLong(o -> o.sentAt() - at).max()
                    .stream().mapToObj(n -> String.format("last vote not taken %.1f s after it", n / 1e9)).findFirst()
                    .orElse("every vote taken");
        }
    }

    private final ReplicatedEngines engines;
    private final FailoverApps apps;
    private final LoadGenerator load;
    private final Timeline timeline;
    private final long loadEnds;
    private final Duration quiet;
    private final List<Struck> struck = new ArrayList<>();

    ClusterFaults(ReplicatedEngines engines, FailoverApps apps, LoadGenerator load, Timeline timeline, long start, int seconds) {
        this.engines = engines;
        this.apps = apps;
        this.load = load;
        this.timeline = timeline;
        this.loadEnds = start + Duration.ofSeconds(seconds).toNanos();
        // the faults themselves take ~75 s on two busy cores; 110 s of load leaves ~6 s between them, 200 s ~21 s
        this.quiet = Duration.ofMillis(Math.max(3_000, (seconds - 75) * 1_000L / 6));
    }

    /** Strikes every fault in turn; returns them once the last one's engines are back. */
    List<Struck> strike() throws Exception {
        LocalRabbitCluster rabbit = engines.rabbit();
        Processes.sleep(quiet);
        Map<String, LocalRabbitCluster.Replicas> queues = rabbit.replicas(1);
        int leader = queues.get(FailoverApps.QUEUE).leader();
        boolean replicated = queues.get(FailoverApps.QUEUE).members() == 3 && queues.get(FailoverApps.QUEUE + ".dlq").members() == 3;
        timeline.note("queues: %s", queues);
        rabbit.kill(leader);
        long killed = timeline.note("RabbitMQ node %d, the queue leader's: kill -9", leader);
        Processes.sleep(NODE_DOWN);
        long restarting = timeline.note("restarting node %d", leader);
        rabbit.start(leader);
        long back = timeline.note("node %d back", leader);
        String newLeader = "new leader on node " + rabbit.replicas(leader).get(FailoverApps.QUEUE).leader();
        add("RabbitMQ queue leader's node kill -9, restarted", killed, killed + SETTLE.toNanos(), restarting,
                () -> "queue and DLQ on 3 nodes: " + replicated + ", " + newLeader + ", restart took " + seconds(restarting, back),
                replicated, Expect.TAKEN);

        Processes.sleep(quiet);
        int current = rabbit.replicas(leader).get(FailoverApps.QUEUE).leader();
        // The APIs are on the first node of RABBITMQ_URL that answered them: node 2 if the kill above was node 1's, else node 1.
        int apisNode = leader == 1 ? 2 : 1;
        int frozen = apisNode != current ? apisNode  // the node holding the APIs' connections, not the queue's leader
                : current == leader ? leader % 3 + 1 : 6 - current - leader;  // else one neither the leader nor just restarted
        rabbit.pause(frozen);
        long paused = timeline.note("RabbitMQ node %d (leader on %d, APIs on %d): SIGSTOP", frozen, current, apisNode);
        Processes.sleep(NODE_PAUSED);
        rabbit.resume(frozen);
        long resumed = timeline.note("node %d: SIGCONT", frozen);
        // An API connected to the frozen node gives its connection up at the first confirm deadline it misses and
        // publishes through another node: the votes sent after that deadline (and a reconnection) must be taken.
        long movedOn = paused + FailoverApps.CONFIRM_TIMEOUT.toNanos() + SETTLE.toNanos();
        add("RabbitMQ node frozen (SIGSTOP) " + NODE_PAUSED.toSeconds() + " s", paused, movedOn, resumed,
                () -> "node " + frozen + (frozen == apisNode ? " (the APIs' node)" : "") + ", leader on " + current + "; "
                        + taken(paused, resumed) + " votes taken while frozen",
                Expect.TAKEN);

        Processes.sleep(quiet);
        engines.primary().kill();
        long primaryKilled = timeline.note("PostgreSQL primary (%s): kill -9", engines.primary().process());
        Processes.sleep(Duration.ofSeconds(1));
        int listed = load.get("/api/v1/polls").findValues("title").size();
        timeline.note("poll list without a primary: %d polls (from the replica)", listed);
        Processes.sleep(NO_PRIMARY.minusSeconds(1));
        long promoting = timeline.note("promoting the replica");
        engines.replica().promote();
        long promoted = timeline.note("replica promoted");
        add("PostgreSQL primary kill -9, replica promoted after " + NO_PRIMARY.toSeconds() + " s", primaryKilled, primaryKilled,
                promoted + SETTLE.toNanos(), () -> "promotion took " + seconds(promoting, promoted) + ", " + listed
                        + " polls listed without a primary", listed >= 2, Expect.RECOVERS);

        Processes.sleep(quiet);
        int replicaPort = engines.redis().replicaPort();
        engines.redis().killMaster();
        long masterKilled = timeline.note("Redis master: kill -9");
        long deadline = masterKilled + Duration.ofSeconds(30).toNanos();
        while (engines.redis().currentMasterPort() != replicaPort && System.nanoTime() < deadline) {
            Processes.sleep(Duration.ofMillis(100));
        }
        long redisPromoted = timeline.note("the Sentinels name the replica master");
        add("Redis master kill -9, Sentinels promote the replica", masterKilled, masterKilled, redisPromoted + SETTLE.toNanos(),
                () -> "replica named master after " + seconds(masterKilled, redisPromoted), Expect.RECOVERS);

        Processes.sleep(quiet);
        apps.api(1).kill();
        long apiKilled = timeline.note("API process 1 (%s): kill -9", apps.api(1));
        Processes.sleep(Duration.ofSeconds(3));
        apps.restartApi(1);
        long apiBack = timeline.note("API process 1 restarted and listening");
        add("API process kill -9, restarted 3 s later", apiKilled, apiKilled, apiBack + SETTLE.toNanos(),
                () -> "restart took " + seconds(apiKilled, apiBack), Expect.TAKEN);

        // the last window must not overlap the one before, and needs load to judge
        long late = apiBack + SETTLE.toNanos() - (loadEnds - NO_MAJORITY.toNanos());
        if (late > 0) {
            throw new IllegalStateException(String.format("the faults ran %.1f s past their time: no load would be left "
                    + "for the loss of the majority (a longer run gives them room)", late / 1e9));
        }
        Processes.sleep(Duration.ofNanos(Math.max(0, loadEnds - NO_MAJORITY.toNanos() - System.nanoTime())));
        List<Integer> two = List.of(1, 2);
        two.forEach(rabbit::kill);
        long majorityLost = timeline.note("RabbitMQ nodes %s: kill -9, no majority", two);
        Processes.sleep(NO_MAJORITY);
        long majorityBack = timeline.note("restarting nodes %s", two);
        CompletableFuture.allOf(two.stream().map(n -> CompletableFuture.runAsync(() -> rabbit.start(n)))
                .toArray(CompletableFuture[]::new)).join();
        long restarted = timeline.note("nodes %s back", two);
        add("RabbitMQ two nodes of three kill -9, restarted", majorityLost, majorityLost + SETTLE.toNanos(), majorityBack,
                () -> "restart took " + seconds(majorityBack, restarted), Expect.REFUSED);
        return List.copyOf(struck);
    }

    private void add(String name, long at, long from, long to, Supplier<String> measured, Expect expect) {
        add(name, at, from, to, measured, true, expect);
    }

    private void add(String name, long at, long from, long to, Supplier<String> measured, boolean observed, Expect expect) {
        struck.add(new Struck(name, at, from, to, measured, observed, expect, load));
    }

    /** How many of the votes sent between two instants were taken, as "75 of 1101". */
    private String taken(long from, long to) {
        Window window = Window.of(load.outcomes(), from, to);
        return window.accepted() + " of " + window.attempts();
    }

    private static String seconds(long from, long to) {
        return String.format("%.1f s", (to - from) / 1e9);
    }
}
