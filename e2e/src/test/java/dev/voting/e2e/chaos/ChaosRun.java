package dev.voting.e2e.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.voting.e2e.chaos.LoadGenerator.Poll;
import dev.voting.shared.json.Json;
import dev.voting.testkit.process.Child;
import dev.voting.worker.DeadLetters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One chaos run: start the cluster, cast votes for {@code seconds} while the faults of the
 * {@link Schedule} strike one after the other, resolve every unclear outcome, let the queue drain, and
 * hold what the clients were told against what PostgreSQL and Redis hold. The timeline goes to
 * {@code faults.log}, every untrue answer to {@code truth.log}.
 */
final class ChaosRun {
    private static final ObjectMapper MAPPER = Json.newMapper();

    private final Path home;
    private final int seconds;
    private final int votesPerSecond;
    private final List<String> log = new ArrayList<>();
    private final List<Struck> struck = new ArrayList<>();
    /** When the retries after the load began ({@link System#nanoTime()}). */
    private long resolving = Long.MAX_VALUE;

    /** A fault as it happened: its number, name and the {@link System#nanoTime()} it began. */
    private record Struck(int number, String name, long at) {
    }

    ChaosRun(Path home, int seconds, int votesPerSecond) {
        this.home = home;
        this.seconds = seconds;
        this.votesPerSecond = votesPerSecond;
    }

    Verdict run() throws Exception {
        try (ChaosCluster cluster = new ChaosCluster(home).start()) {
            LoadGenerator load = new LoadGenerator(cluster.apiPorts());
            note("started (only these PIDs are ever signalled): %s", pids(cluster));
            try {
                Poll closing = load.poll("Chaos C, closed under load", "Yes", "No");
                List<Poll> polls = List.of(load.poll("Chaos A", "Ada", "Grace", "Linus"),
                        load.poll("Chaos B", "Red", "Green", "Blue", "Yellow"), closing);
                long start = System.nanoTime();
                AtomicInteger injected = new AtomicInteger();
                List<Thread> tracks = new ArrayList<>();
                for (Fault.Track track : Fault.Track.values()) {
                    tracks.add(Thread.ofVirtual().name("faults-" + track)
                            .start(() -> inject(track, cluster, load, closing, start, injected)));
                }
                load.run(polls, votesPerSecond, Duration.ofSeconds(seconds));
                note("load finished after %.1f s (%d repeats sent in bursts)", (System.nanoTime() - start) / 1e9, load.burstRepeats());
                for (Thread track : tracks) {
                    track.join(Duration.ofSeconds(120));
                }
                note("faults finished after %.1f s; resolving unclear outcomes", (System.nanoTime() - start) / 1e9);
                resolving = System.nanoTime();
                int unresolved = load.resolveUnknowns(Duration.ofSeconds(120));
                note("unclear outcomes resolved after %.1f s (%d unresolved)", (System.nanoTime() - start) / 1e9, unresolved);
                awaitDrained(cluster);
                Verdict verdict = judge(cluster, load, polls, injected.get(), unresolved);
                report(verdict.truth(), load, start);
                note("%s", verdict.line());
                note("at the end: %s", pids(cluster));
                checkAlive(cluster);
                return verdict;
            } finally {
                load.close();
                Files.write(home.resolve("faults.log"), log);
            }
        }
    }

    /** Strikes the faults of one track in turn, each not before its time. */
    private void inject(Fault.Track track, ChaosCluster cluster, LoadGenerator load, Poll closing, long start,
                        AtomicInteger injected) {
        List<Fault> faults = Schedule.faults();
        for (int i = 0; i < faults.size(); i++) {
            Fault fault = faults.get(i);
            if (fault.track() != track) {
                continue;
            }
            int number = i + 1;
            Fault.Stage stage = new Fault.Stage(cluster, load, closing,
                    (format, args) -> note("%s", "           fault " + number + ": " + String.format(format, args)));
            long due = start + (long) (fault.at() * seconds * 1e9);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                pause(Duration.ofNanos(wait));
            }
            long now = System.nanoTime();
            synchronized (this) {
                struck.add(new Struck(number, fault.name(), now));
            }
            note("t=%5.1f s  fault %d: %s", (now - start) / 1e9, number, fault.name());
            try {
                if (fault.injection().inject(stage)) {
                    injected.incrementAndGet();
                } else {
                    stage.timeline().note("did NOT happen as described");
                }
            } catch (Exception e) {
                stage.timeline().note("failed: %s", e);
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
        Verdict.Tables tables;
        try (Connection connection = cluster.postgres().connect()) {
            tables = Verdict.Tables.read(connection);
        }
        Map<Long, Long> pgCounts = tables.pgCounts();
        Map<Long, Long> redisCounts = RedisLevel.await(cluster.config().redis(), load, polls, pgCounts);
        long dlq;
        long unexpected;
        Set<UUID> deadLettered = new HashSet<>();
        try (DeadLetters deadLetters = new DeadLetters(cluster.config().rabbit())) {
            List<DeadLetters.Letter> letters = deadLetters.list();
            dlq = letters.size();
            Set<String> expected = new HashSet<>(Schedule.POISON);
            unexpected = 0;
            for (DeadLetters.Letter letter : letters) {
                note("dead letter: %s | %s", letter.reason(), letter.preview());
                deadLettered.addAll(voteIds(letter.body()));
                if (!expected.remove(new String(letter.body(), StandardCharsets.UTF_8))) {
                    unexpected++;
                }
            }
            unexpected += expected.size();
        }
        int attempts = (int) load.outcomes().stream().filter(o -> !o.retry()).count();
        return Verdict.of(attempts, load.outcomes(), tables.rows(), tables.rejected(), pgCounts, tables.rowCounts(), redisCounts,
                dlq, unexpected, faults, unresolved, load.closedAt(), deadLettered);
    }

    /** The vote ids in a dead letter (a batch or a single vote); none when it is not JSON, as poison may be. */
    private static List<UUID> voteIds(byte[] body) {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(body);
        } catch (IOException e) {
            return List.of();
        }
        return tree.findValuesAsText("voteId").stream()
                .filter(id -> id.matches("\\p{XDigit}{8}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{12}"))
                .map(UUID::fromString).toList();
    }

    /**
     * Every answer to {@code answers.log} and every untrue one to {@code truth.log}, in the order the
     * attempts were sent, and on the timeline how many untrue ones each fault was followed by (the last
     * fault struck before the attempt was sent; the retries after the load count apart).
     */
    private void report(Truth truth, LoadGenerator load, long start) throws IOException {
        Files.write(home.resolve("answers.log"), load.outcomes().stream()
                .sorted(Comparator.comparingLong(LoadGenerator.Outcome::sentAt)).map(o -> describe(o, start)).toList());
        List<Truth.Violation> violations = truth.violations().stream()
                .sorted(Comparator.comparingLong(v -> v.outcome().sentAt())).toList();
        List<String> lines = new ArrayList<>();
        Map<String, Map<String, Integer>> byFault = new TreeMap<>();
        for (Truth.Violation v : violations) {
            lines.add(String.format("%-20s %s | %s", v.counter(), describe(v.outcome(), start), v.found()));
            String after = v.outcome().sentAt() >= resolving ? "the retries after the load" : after(v.outcome().sentAt());
            byFault.computeIfAbsent(after, k -> new TreeMap<>()).merge(v.counter(), 1, Integer::sum);
        }
        Files.write(home.resolve("truth.log"), lines);
        note("untrue answers: %d (truth.log)", violations.size());
        byFault.forEach((fault, counts) -> note("           after %s: %s", fault, counts));
    }

    /** One answer as a line of {@code answers.log}: when it was sent, to which API, what it was told. */
    static String describe(LoadGenerator.Outcome o, long start) {
        return String.format("t=%6.2f s (%+.2f s) api-%d poll=%d voter=%s candidate=%d%s -> %d %s voteId=%s candidateId=%s detail=%s",
                (o.sentAt() - start) / 1e9, (o.answeredAt() - o.sentAt()) / 1e9, o.api(), o.attempt().pollId(),
                o.attempt().voter(), o.attempt().candidateId(), o.retry() ? " (retry)" : "", o.status(), o.type(), o.voteId(),
                o.candidateId(), o.detail());
    }

    /** The last fault struck before {@code nanos}, as "fault 03 (name)", or "fault 00 (none yet)". */
    private synchronized String after(long nanos) {
        Struck last = null;
        for (Struck s : struck) {
            if (s.at() <= nanos) {
                last = s;
            }
        }
        return last == null ? "fault 00 (none yet)" : String.format("fault %02d (%s)", last.number(), last.name());
    }

    private void checkAlive(ChaosCluster cluster) {
        List<Child> children = new ArrayList<>(cluster.apis());
        children.addAll(List.of(cluster.worker(1), cluster.worker(2)));
        for (Child child : children) {
            if (!child.isAlive()) {
                throw new IllegalStateException(child + " died during the run:\n" + child.tail(40));
            }
        }
    }

    private static String pids(ChaosCluster cluster) {
        List<Child> children = new ArrayList<>(List.of(cluster.postgres().process(), cluster.redis().process(),
                cluster.rabbit().process()));
        children.addAll(cluster.apis());
        children.addAll(List.of(cluster.worker(1), cluster.worker(2)));
        return String.join(", ", children.stream().map(Child::toString).toList());
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
        Schedule.pause(duration);
    }
}
