package dev.voting.loadtest.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.voting.loadtest.system.Ledger;
import dev.voting.loadtest.system.OwnedSystem;
import dev.voting.loadtest.system.Slice;
import dev.voting.loadtest.system.SystemUnderTest;
import dev.voting.loadtest.traffic.ApiCalls;
import dev.voting.loadtest.traffic.VoterTokens;
import dev.voting.shared.config.Config;
import dev.voting.shared.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code make bench}: peak throughput with a light client, then the workers alone against a full queue.
 *
 * <ol>
 *   <li>starts the API and the worker(s) on a slice of their own (rate limits off);</li>
 *   <li>a warm-up, then wrk for {@code BENCH_SECONDS} at each of {@code BENCH_CONNECTIONS}, each phase on a
 *       poll of its own, waiting after each until the queue has drained and checking that PostgreSQL
 *       counted exactly the votes answered 202;</li>
 *   <li>stops the workers, fills the queue with {@code BENCH_DRAIN_VOTES} votes in batch messages as
 *       the API writes them, starts the workers and times them until every vote is counted;</li>
 *   <li>the bare JDK server ({@link BareServer}) under the same client at the same connection counts,
 *       the reference the goals are ratios to (absolute rates drift by half between days here);</li>
 *   <li>writes {@code loadtest/results/bench-<date>.md} and {@code .json} and prints the table.</li>
 * </ol>
 * CPU seconds per component come from {@code /proc} over each phase (see {@link CpuMeter}).
 */
public final class Bench {
    private static final DateTimeFormatter FILE_DATE = DateTimeFormatter.ofPattern("yyyyMMdd-HHmm");
    private static final DateTimeFormatter SHOWN_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'");
    private static final Set<Integer> SHEDDING_OR_ANSWERED = Set.of(202, 409, 429, 503);
    private static final int WARMUP_CONNECTIONS = 200;
    private static final int WARMUP_ROUND_SECONDS = 30;

    private final Map<String, String> environment;
    private final int seconds;
    private final int warmupSeconds;
    private final List<Integer> connections;
    private final int drainVotes;
    private final int workers;
    private final int tokenCount;
    private final int wrkThreads;
    private final Path module = Path.of("loadtest");

    private Bench(Map<String, String> environment) {
        this.environment = environment;
        this.seconds = number("BENCH_SECONDS", 30);
        // C2 keeps improving the API for ~400,000 votes on these two busy cores: after 30 s at 200
        // connections, 50-connection runs still climbed from 6,700 to 9,400 votes/s over the next minute
        this.warmupSeconds = number("BENCH_WARMUP_SECONDS", 90);
        this.connections = Arrays.stream(environment.getOrDefault("BENCH_CONNECTIONS", "50,1000").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).map(Integer::parseInt).toList();
        this.drainVotes = number("BENCH_DRAIN_VOTES", 1_000_000);
        this.workers = number("WORKERS", 1);
        this.tokenCount = number("BENCH_TOKENS", 1_000_000);
        this.wrkThreads = number("BENCH_WRK_THREADS", 2);
    }

    public static void main(String[] args) {
        try {
            new Bench(System.getenv()).run();
        } catch (RuntimeException e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(1);
        }
    }

    private void run() {
        Path tokens = MintTokens.ensure(module.resolve("target/tokens"), tokenCount, environment);
        VoterTokens minter = VoterTokens.fromEnvironment(environment);
        ZonedDateTime started = ZonedDateTime.now(ZoneOffset.UTC);
        BenchResult result;
        Path runFolder;
        try (OwnedSystem owned = OwnedSystem.start(environment, 0, SystemUnderTest.Options.fromEnvironment(environment, workers),
                module.resolve("target/run"))) {
            runFolder = owned.system().runFolder();
            Config config = owned.slice().config().common();
            ApiCalls api = new ApiCalls(owned.slice().baseUrl());
            ApiCalls ops = new ApiCalls(owned.slice().metricsUrl());
            Wrk wrk = new Wrk(runFolder, wrkThreads);
            CpuMeter meter = new CpuMeter(config, () -> List.of(owned.system().apiPid()), owned.system()::workerPids);
            try (Ledger ledger = new Ledger(config)) {
                Phases phases = new Phases(owned, api, ops, minter, wrk, meter, ledger, tokens, tokenCount);
                // In rounds of at most 30 s, each on a poll of its own, so that no voter's token comes round twice in one poll.
                for (int left = warmupSeconds; left > 0; left -= WARMUP_ROUND_SECONDS) {
                    int round = Math.min(left, WARMUP_ROUND_SECONDS);
                    System.out.printf("bench: warm-up, %d s at %d connections (not reported)%n", round, WARMUP_CONNECTIONS);
                    phases.load("warm-up", WARMUP_CONNECTIONS, Duration.ofSeconds(round));
                }
                List<BenchResult.LoadPhase> load = new ArrayList<>();
                for (int c : connections) {
                    System.out.printf("bench: %d s at %,d connections%n", seconds, c);
                    load.add(phases.load(String.format("%,d connections", c), c, Duration.ofSeconds(seconds)));
                }
                List<BenchResult.BarePhase> bare;
                try (BareReference reference = BareReference.start(environment.getOrDefault("API_JAVA_OPTS", ""), runFolder, wrk)) {
                    bare = reference.measure(connections, Duration.ofSeconds(seconds), tokens, tokenCount);
                }
                BenchResult.Drain drain = null;
                if (drainVotes > 0) {
                    System.out.printf("bench: drain test, %,d votes queued with the worker(s) stopped%n", drainVotes);
                    drain = phases.drain(drainVotes, workers);
                }
                result = new BenchResult(started.format(SHOWN_DATE), Machine.describe(), settings(owned.slice()), load, bare, drain,
                        goals(load, bare, drain));
            }
        }
        String markdown = BenchReport.markdown(result);
        write(result, markdown, started);
        System.out.println();
        System.out.println(markdown);
        Profiles.summarise(runFolder);
    }

    private BenchResult.Settings settings(Slice slice) {
        return new BenchResult.Settings(seconds, warmupSeconds, wrkThreads, workers, slice.workerConfig().lanes(),
                slice.config().votes().publishChannels(), slice.config().votes().publishMaxBatch(),
                environment.getOrDefault("API_JAVA_OPTS", ""), environment.getOrDefault("WORKER_JAVA_OPTS", ""), tokenCount);
    }

    /** The speed goals, as ratios to the bare server measured in the same run where the machine's speed matters. */
    static List<BenchResult.Goal> goals(List<BenchResult.LoadPhase> load, List<BenchResult.BarePhase> bare, BenchResult.Drain drain) {
        List<BenchResult.Goal> goals = new ArrayList<>();
        goals.add(ratioGoal(load, bare, 50, 0.35));
        goals.add(ratioGoal(load, bare, 1_000, 0.75));
        String latency = "p99 ≤ 50 ms at 50 connections, counts exact";
        goals.add(phase(load, 50).map(p -> new BenchResult.Goal(latency, "p99 " + BenchReport.oneDecimal(p.p99Millis()) + " ms"
                        + (p.exact() ? "" : ", counts NOT exact"), p.p99Millis() <= 50 && p.exact()))
                .orElseGet(() -> new BenchResult.Goal(latency, "not run", false)));
        String thousand = "at 1,000 connections no error but 429/503, no socket errors";
        goals.add(phase(load, 1_000).map(p -> new BenchResult.Goal(thousand, BenchReport.codes(p) + (p.exact() ? "" : ", counts NOT exact"),
                        SHEDDING_OR_ANSWERED.containsAll(p.codes().keySet()) && p.socketErrorTotal() == 0 && p.exact()))
                .orElseGet(() -> new BenchResult.Goal(thousand, "not run", false)));
        String drained = "worker drain ≥ 30,000 votes/s from a full queue, counts exact";
        goals.add(drain == null ? new BenchResult.Goal(drained, "not run", false) : new BenchResult.Goal(drained,
                BenchReport.whole(drain.votesPerSecond()) + " votes/s from the worker's start ("
                        + BenchReport.whole(drain.countingVotesPerSecond()) + " from its first count)"
                        + (drain.exact() ? ", exact" : ", counts NOT exact"),
                drain.votesPerSecond() >= 30_000 && drain.exact()));
        return goals;
    }

    private static BenchResult.Goal ratioGoal(List<BenchResult.LoadPhase> load, List<BenchResult.BarePhase> bare, int connections,
                                              double least) {
        String goal = String.format(Locale.ROOT, "≥ %.2f× the bare JDK server's requests/s at %,d connections", least, connections);
        Optional<BenchResult.LoadPhase> ours = phase(load, connections);
        Optional<BenchResult.BarePhase> reference = bare.stream().filter(b -> b.connections() == connections).findFirst();
        if (ours.isEmpty() || reference.isEmpty()) {
            return new BenchResult.Goal(goal, "not run", false);
        }
        double ratio = ours.get().countedPerSecond() / reference.get().requestsPerSecond();
        return new BenchResult.Goal(goal, String.format(Locale.ROOT, "%s counted votes/s ÷ %s = %.2f×",
                BenchReport.whole(ours.get().countedPerSecond()), BenchReport.whole(reference.get().requestsPerSecond()), ratio),
                ratio >= least && ours.get().exact());
    }

    private static Optional<BenchResult.LoadPhase> phase(List<BenchResult.LoadPhase> load, int connections) {
        return load.stream().filter(p -> p.connections() == connections).findFirst();
    }

    private void write(BenchResult result, String markdown, ZonedDateTime started) {
        Path folder = module.resolve("results");
        String name = "bench-" + started.format(FILE_DATE);
        try {
            Files.createDirectories(folder);
            ObjectMapper mapper = Json.newMapper();
            mapper.writerWithDefaultPrettyPrinter().writeValue(folder.resolve(name + ".json").toFile(), result);
            Files.writeString(folder.resolve(name + ".md"), "# " + name + "\n\n" + markdown);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the results: " + e.getMessage(), e);
        }
        System.out.println("bench: results in " + folder.resolve(name + ".md") + " and .json");
    }

    private int number(String name, int fallback) {
        String value = environment.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim().replace("_", "").replace(",", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, not '" + value + "'");
        }
    }

    /** The measured phases, sharing the system, the client and the meters. */
    /** The API's published votes and messages (a summary of votes per confirmed message). */
    private static final List<String> PUBLISHED = List.of("votes_publish_batch_size_votes_sum", "votes_publish_batch_size_votes_count");

    private record Phases(OwnedSystem owned, ApiCalls api, ApiCalls ops, VoterTokens minter, Wrk wrk, CpuMeter meter, Ledger ledger,
                          Path tokens, int tokenCount) {

        BenchResult.LoadPhase load(String name, int connections, Duration duration) {
            ApiCalls.CreatedPoll poll = api.createPoll(minter, "bench " + name, 4);
            Map<String, Double> published = ops.metrics(PUBLISHED);
            CpuMeter.Snapshot before = meter.snapshot();
            long start = System.currentTimeMillis();
            Wrk.Result run = wrk.run(owned.slice().baseUrl(), poll.id(), poll.candidateIds(), tokens,
                    tokenCount, connections, duration, 0);
            long accepted = run.count(202);
            Ledger.Drained drained = ledger.awaitCounted(poll.id(), accepted, Duration.ofSeconds(15), Duration.ofMinutes(5));
            CpuMeter.Snapshot after = meter.snapshot();
            Map<String, Double> publishedAfter = ops.metrics(PUBLISHED);
            double messages = publishedAfter.get(PUBLISHED.get(1)) - published.get(PUBLISHED.get(1));
            double votesPerMessage = messages == 0 ? 0 : (publishedAfter.get(PUBLISHED.get(0)) - published.get(PUBLISHED.get(0))) / messages;
            Ledger.Exactness exactness = ledger.exactness(poll.id());
            // votes cut off unanswered at the end may or may not have been counted: nothing else may differ
            boolean exact = exactness.total() >= accepted && exactness.total() <= accepted + run.unanswered()
                    && exactness.countsMatchRows();
            double countedSeconds = Math.max(0.001, (drained.lastRiseAt() - start) / 1000.0);
            Map<String, Long> socket = new LinkedHashMap<>();
            socket.put("connect", run.errors().connect());
            socket.put("read", run.errors().read());
            socket.put("write", run.errors().write());
            socket.put("timeout", run.errors().timeout());
            BenchResult.LoadPhase phase = new BenchResult.LoadPhase(name, connections, run.seconds(), run.requests(),
                    run.unanswered(), accepted,
                    accepted / run.seconds(), exactness.total(), exactness.total() / countedSeconds,
                    Math.max(0, drained.lastRiseAt() - start - run.durationMicros() / 1000) / 1000.0,
                    run.latencyMicros().p50() / 1000.0, run.latencyMicros().p90() / 1000.0, run.latencyMicros().p99() / 1000.0,
                    run.latencyMicros().max() / 1000.0, new TreeMap<>(run.codes()), socket, run.tokenWraps(), exact,
                    CpuMeter.seconds(before, after), busyPercent(before, after), CpuMeter.busiestOthers(before, after, 3),
                    votesPerMessage);
            System.out.printf("bench: %s: %,.0f accepted/s, %,.0f counted/s, p99 %.1f ms, codes %s, %,d cut off unanswered,"
                            + " %,d counted, exact %s, %.1f votes/message, CPU %s%n", name, phase.acceptedPerSecond(),
                    phase.countedPerSecond(), phase.p99Millis(), phase.codes(), run.unanswered(), exactness.total(), exact,
                    votesPerMessage, phase.cpuSeconds());
            return phase;
        }

        BenchResult.Drain drain(int votes, int workers) {
            SystemUnderTest system = owned.system();
            system.stopWorkers();
            ApiCalls.CreatedPoll poll = api.createPoll(minter, "bench drain", 4);
            QueueFill.Filled filled = QueueFill.fill(owned.slice().config().common(), poll.id(), poll.candidateIds(), votes,
                    owned.slice().config().votes().publishMaxBatch());
            System.out.printf("bench: queued %,d votes in %,d messages in %.1f s; queue depth %,d; starting %d worker(s)%n",
                    filled.votes(), filled.messages(), filled.took().toMillis() / 1000.0, ledger.queueDepth(), workers);
            CpuMeter.Snapshot before = meter.snapshot();
            long walBefore = ledger.walPosition();
            long start = System.nanoTime();
            system.startWorkers(workers);
            long firstCount = 0;
            long counted = 0;
            long lastRise = System.nanoTime();
            while (counted < votes) {
                long now = System.nanoTime();
                long current = ledger.counted(poll.id());
                if (current > counted) {
                    lastRise = now;
                    if (counted == 0) {
                        firstCount = now;
                    }
                }
                counted = current;
                if (counted < votes && (now - lastRise > Duration.ofSeconds(30).toNanos()
                        || now - start > Duration.ofMinutes(10).toNanos())) {
                    System.out.printf("bench: drain stalled at %,d of %,d votes%n", counted, votes);
                    break;
                }
                sleepBriefly();
            }
            long end = System.nanoTime();
            CpuMeter.Snapshot after = meter.snapshot();
            Ledger.Exactness exactness = ledger.exactness(poll.id());
            boolean exact = exactness.rows().equals(filled.perCandidate()) && exactness.countsMatchRows();
            double secondsTotal = (end - start) / 1e9;
            double secondsCounting = firstCount == 0 ? secondsTotal : (end - firstCount) / 1e9;
            BenchResult.Drain drain = new BenchResult.Drain(votes, filled.messages(), filled.took().toMillis() / 1000.0, workers,
                    secondsTotal, counted / secondsTotal, secondsCounting, counted / secondsCounting, counted, exact,
                    CpuMeter.seconds(before, after), busyPercent(before, after), CpuMeter.busiestOthers(before, after, 3),
                    ledger.walPosition() - walBefore);
            System.out.printf("bench: drain: %,d votes in %.1f s = %,.0f votes/s (%,.0f from the first count), exact %s, CPU %s,"
                    + " WAL %,.0f bytes/vote%n", counted, secondsTotal, drain.votesPerSecond(), drain.countingVotesPerSecond(), exact,
                    drain.cpuSeconds(), drain.walBytesPerVote());
            return drain;
        }

        private static double busyPercent(CpuMeter.Snapshot before, CpuMeter.Snapshot after) {
            double elapsed = (after.nanos() - before.nanos()) / 1e9;
            double busy = (after.machineBusy() - before.machineBusy()) / ProcStat.TICKS_PER_SECOND;
            return 100.0 * busy / (elapsed * Runtime.getRuntime().availableProcessors());
        }

        private static void sleepBriefly() {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }
}
