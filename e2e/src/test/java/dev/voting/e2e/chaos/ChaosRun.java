package dev.voting.e2e.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import dev.voting.e2e.chaos.LoadGenerator.Poll;
import dev.voting.shared.redis.CountsCache;
import dev.voting.shared.redis.RedisClients;
import dev.voting.shared.redis.RedisKeys;
import dev.voting.testkit.process.Child;
import dev.voting.worker.DeadLetters;
import redis.clients.jedis.RedisClient;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One chaos run: start the cluster, cast votes for {@code seconds} while the ten faults of the
 * schedule strike one after the other, resolve every unclear outcome, let the queue drain, and
 * hold what the clients were told against what PostgreSQL and Redis hold.
 */
final class ChaosRun {
    static final List<String> POISON = List.of(
            "chaos-poison-1: not JSON at all",
            "{\"votes\": [], \"note\": \"chaos-poison-2: an empty batch\"}",
            "{\"voteId\": \"chaos-poison-3\", \"pollId\": \"not a number\"}");

    private final Path home;
    private final int seconds;
    private final int votesPerSecond;
    private final List<String> log = new ArrayList<>();

    ChaosRun(Path home, int seconds, int votesPerSecond) {
        this.home = home;
        this.seconds = seconds;
        this.votesPerSecond = votesPerSecond;
    }

    static List<Fault> schedule() {
        return List.of(
                new Fault("worker kill -9, restarted", 0.06, c -> {
                    c.worker(1).kill();
                    pause(Duration.ofSeconds(1));
                    c.worker(1).start();
                    return true;
                }),
                new Fault("worker halted after its commit, before Redis and the ack", 0.15, c -> {
                    Child halting = c.haltingWorker().start();
                    return halting.await(Duration.ofSeconds(60)) && halting.exitCode() == 86;
                }),
                new Fault("Redis loses everything (kill -9, 3 s away, restarted empty)", 0.25, c -> {
                    c.redis().kill();
                    pause(Duration.ofSeconds(3));
                    c.redis().start();
                    return true;
                }),
                new Fault("PostgreSQL terminates the workers' sessions", 0.35, c -> c.postgres().terminateSessions("worker") > 0),
                new Fault("PostgreSQL crash (immediate stop), 3 s away, restarted", 0.43, c -> {
                    c.postgres().crash();
                    pause(Duration.ofSeconds(3));
                    c.postgres().start();
                    return true;
                }),
                new Fault("the broker closes all connections", 0.52, c -> {
                    c.rabbit().closeAllConnections();
                    return true;
                }),
                new Fault("broker kill -9, restarted", 0.60, c -> {
                    c.rabbit().kill();
                    pause(Duration.ofSeconds(1));
                    c.rabbit().start();
                    return true;
                }),
                new Fault("API kill -9, restarted", 0.72, c -> {
                    c.api().kill();
                    c.restartApi();
                    return true;
                }),
                new Fault("a worker paused (SIGSTOP) for 8 s", 0.80, c -> {
                    c.worker(2).pause();
                    pause(Duration.ofSeconds(8));
                    c.worker(2).resume();
                    return true;
                }),
                new Fault("three poison messages published straight to the queue", 0.92, c -> {
                    POISON.forEach(body -> c.publishRaw("vote", body.getBytes(StandardCharsets.UTF_8)));
                    return true;
                }));
    }

    Verdict run() throws Exception {
        try (ChaosCluster cluster = new ChaosCluster(home).start()) {
            LoadGenerator load = new LoadGenerator(cluster.apiPort());
            note("started (only these PIDs are ever signalled): %s", pids(cluster));
            try {
                List<Poll> polls = List.of(poll(load, "Chaos A", "Ada", "Grace", "Linus"),
                        poll(load, "Chaos B", "Red", "Green", "Blue", "Yellow"));
                long start = System.nanoTime();
                AtomicInteger injected = new AtomicInteger();
                Thread faults = Thread.ofVirtual().name("faults").start(() -> inject(cluster, start, injected));
                load.run(polls, votesPerSecond, Duration.ofSeconds(seconds));
                faults.join(Duration.ofSeconds(120));
                note("load finished after %.0f s; resolving unclear outcomes", (System.nanoTime() - start) / 1e9);
                int unresolved = load.resolveUnknowns(Duration.ofSeconds(120));
                awaitDrained(cluster);
                for (Poll poll : polls) {
                    load.get("/api/v1/polls/" + poll.id() + "/results");  // a reader, who repairs Redis if it has nothing
                }
                Verdict verdict = judge(cluster, load, polls, injected.get(), unresolved);
                note("at the end: %s", pids(cluster));
                checkAlive(cluster);
                return verdict;
            } finally {
                load.close();
                Files.write(home.resolve("faults.log"), log);
            }
        }
    }

    private void inject(ChaosCluster cluster, long start, AtomicInteger injected) {
        for (Fault fault : schedule()) {
            long due = start + (long) (fault.at() * seconds * 1e9);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                pause(Duration.ofNanos(wait));
            }
            note("t=%5.1f s  fault %d: %s", (System.nanoTime() - start) / 1e9, injected.get() + 1, fault.name());
            try {
                if (fault.injection().inject(cluster)) {
                    injected.incrementAndGet();
                } else {
                    note("           did NOT happen as described");
                }
            } catch (Exception e) {
                note("           failed: %s", e);
            }
        }
    }

    /** The queue is empty and the database has stopped changing. */
    private void awaitDrained(ChaosCluster cluster) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        long last = -1;
        int stable = 0;
        while (System.nanoTime() < deadline && stable < 3) {
            long processed = queryLong(cluster, "SELECT (SELECT count(*) FROM votes) + (SELECT count(*) FROM rejected_votes)");
            boolean empty = cluster.messagesReady(ChaosCluster.QUEUE) == 0;
            stable = empty && processed == last ? stable + 1 : 0;
            last = processed;
            pause(Duration.ofSeconds(1));
        }
        note("queue drained: %s", stable >= 3);
    }

    private Verdict judge(ChaosCluster cluster, LoadGenerator load, List<Poll> polls, int faults, int unresolved) throws Exception {
        List<Verdict.Row> rows = new ArrayList<>();
        List<Verdict.Rejected> rejected = new ArrayList<>();
        Map<Long, Long> pgCounts = new HashMap<>();
        Map<Long, Long> rowCounts = new HashMap<>();
        try (Connection connection = cluster.postgres().connect(); Statement statement = connection.createStatement()) {
            try (ResultSet rs = statement.executeQuery("SELECT id, poll_id, candidate_id, voter_id FROM votes")) {
                while (rs.next()) {
                    rows.add(new Verdict.Row(rs.getObject(1, UUID.class), rs.getLong(2), rs.getLong(3), rs.getString(4)));
                    rowCounts.merge(rs.getLong(3), 1L, Long::sum);
                }
            }
            try (ResultSet rs = statement.executeQuery("SELECT vote_id, voter_id, reason FROM rejected_votes")) {
                while (rs.next()) {
                    rejected.add(new Verdict.Rejected(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3)));
                }
            }
            try (ResultSet rs = statement.executeQuery("SELECT candidate_id, votes FROM candidate_counts")) {
                while (rs.next()) {
                    pgCounts.put(rs.getLong(1), rs.getLong(2));
                }
            }
        }
        Map<Long, Long> redisCounts = awaitRedis(cluster, polls, pgCounts);
        long dlq;
        long unexpected;
        try (DeadLetters deadLetters = new DeadLetters(cluster.config().rabbit())) {
            List<DeadLetters.Letter> letters = deadLetters.list();
            dlq = letters.size();
            Set<String> expected = new HashSet<>(POISON);
            unexpected = 0;
            for (DeadLetters.Letter letter : letters) {
                note("dead letter: %s | %s", letter.reason(), letter.preview());
                if (!expected.remove(new String(letter.body(), StandardCharsets.UTF_8))) {
                    unexpected++;
                }
            }
            unexpected += expected.size();
        }
        int attempts = (int) load.outcomes().stream().filter(o -> !o.retry()).count();
        return Verdict.of(attempts, load.outcomes(), rows, rejected, pgCounts, rowCounts, redisCounts, dlq, unexpected,
                faults, unresolved);
    }

    /** Redis is written after each commit and repaired by readers: give it a few seconds to level. */
    private Map<Long, Long> awaitRedis(ChaosCluster cluster, List<Poll> polls, Map<Long, Long> pgCounts) {
        CountsCache cache = new CountsCache(new RedisKeys(cluster.config().redis().keyPrefix()));
        Map<Long, Long> redis = new HashMap<>();
        try (RedisClient client = RedisClients.create(cluster.config().redis())) {
            for (int i = 0; i < 100; i++) {
                redis.clear();
                polls.forEach(poll -> redis.putAll(cache.read(client, poll.id())));
                if (redis.equals(pgCounts)) {
                    break;
                }
                pause(Duration.ofMillis(200));
            }
        }
        return redis;
    }

    private void checkAlive(ChaosCluster cluster) {
        for (Child child : List.of(cluster.api(), cluster.worker(1), cluster.worker(2))) {
            if (!child.isAlive()) {
                throw new IllegalStateException(child + " died during the run:\n" + child.tail(40));
            }
        }
    }

    private static String pids(ChaosCluster cluster) {
        return String.join(", ", List.of(cluster.postgres().process(), cluster.redis().process(), cluster.rabbit().process(),
                cluster.api(), cluster.worker(1), cluster.worker(2)).stream().map(Child::toString).toList());
    }

    private static Poll poll(LoadGenerator load, String title, String... candidates) throws Exception {
        JsonNode poll = load.createPoll(title, candidates);
        List<Long> ids = new ArrayList<>();
        poll.path("candidates").forEach(c -> ids.add(c.path("id").asLong()));
        return new Poll(poll.path("id").asLong(), ids);
    }

    private static long queryLong(ChaosCluster cluster, String sql) throws SQLException {
        try (Connection connection = cluster.postgres().connect(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private synchronized void note(String format, Object... args) {
        String line = String.format(format, args);
        log.add(line);
        System.out.println("chaos: " + line);
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
