package dev.voting.loadtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.voting.loadtest.system.Ledger;
import dev.voting.loadtest.system.OwnedSystem;
import dev.voting.loadtest.system.SystemUnderTest;
import dev.voting.loadtest.traffic.ApiCalls;
import dev.voting.loadtest.traffic.RunRecord;
import dev.voting.loadtest.traffic.Tally;
import dev.voting.shared.config.Config;
import dev.voting.shared.json.Json;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.TreeSet;

/**
 * {@code make loadtest} and {@code make loadtest-smoke}: runs a simulation against the system at
 * {@code BASE_URL}, starting one (its own slice, rate limits off) when nothing answers there, then
 * waits for the queue to drain and prints one summary with the exactness check. Exit 0 only when
 * every check holds. {@code --smoke} always starts its own system, on a free port, with a gentle load.
 */
public final class LoadTest {
    private static final List<String> SIMULATIONS = List.of("VoteStorm", "PrimeTime", "Soak");
    // make variable → simulation property
    private static final Map<String, String> KNOBS = Map.of("RATE", "rate", "RAMP", "ramp", "HOLD", "hold",
            "P99_MS", "p99Ms", "BURST_FACTOR", "burstFactor", "BURST", "burst", "MINUTES", "minutes");
    // the smoke checks codes and exactness, not speed: its p99 bound is the request timeout
    private static final Map<String, String> SMOKE = Map.of("rate", "40", "ramp", "3", "hold", "12", "p99Ms", "10000");

    private final String simulation;
    private final boolean smoke;
    private final Map<String, String> environment;
    private final Path module = Path.of("loadtest");

    private LoadTest(String simulation, boolean smoke, Map<String, String> environment) {
        this.simulation = simulation;
        this.smoke = smoke;
        this.environment = environment;
    }

    public static void main(String[] args) {
        String simulation = args.length > 0 && !args[0].isBlank() ? args[0] : "VoteStorm";
        if (!SIMULATIONS.contains(simulation)) {
            System.err.println("unknown simulation '" + simulation + "'; one of " + SIMULATIONS);
            System.exit(2);
        }
        boolean smoke = List.of(args).contains("--smoke");
        boolean passed;
        try {
            passed = new LoadTest(simulation, smoke, System.getenv()).run();
        } catch (RuntimeException e) {
            System.err.println("loadtest: " + e.getMessage());
            passed = false;
        }
        System.exit(passed ? 0 : 1);
    }

    private boolean run() {
        String baseUrl = environment.getOrDefault("BASE_URL", "http://127.0.0.1:8000");
        OwnedSystem owned = null;
        try {
            String where;
            Config config;
            if (smoke || !new ApiCalls(baseUrl).answers()) {
                int port = smoke ? 0 : URI.create(baseUrl).getPort();
                System.out.print(smoke ? "loadtest-smoke: " : "loadtest: nothing answers at " + baseUrl + ": ");
                owned = OwnedSystem.start(environment, port == -1 ? 80 : port, options(), module.resolve("target/run"));
                baseUrl = owned.slice().baseUrl();
                config = owned.slice().config().common();
                where = baseUrl + " (started for this run, slice " + owned.slice().name() + ")";
            } else {
                System.out.printf("loadtest: testing the system that answers at %s; its PostgreSQL schema and queue are taken"
                        + " from the environment, and its per-address limits must be off or high (all the load comes from one IP:"
                        + " RATE_LIMIT_IP_PER_SECOND=0, API_MAX_REQUESTS_PER_CLIENT above the load's concurrency)%n", baseUrl);
                config = Config.from(environment);
                where = baseUrl;
            }
            String memoryAtStart = memory(owned);
            Path recordFile = module.resolve("target/loadtest").toAbsolutePath()
                    .resolve(simulation.toLowerCase(Locale.ROOT) + "-"
                            + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".json");
            Map<String, String> properties = new LinkedHashMap<>(smoke ? SMOKE : Map.of());
            KNOBS.forEach((variable, property) -> {
                String value = environment.get(variable);
                if (value != null && !value.isBlank()) {
                    properties.put(property, value.trim());
                }
            });
            properties.put("baseUrl", baseUrl);
            properties.put("record", recordFile.toString());

            GatlingLauncher.Outcome outcome = new GatlingLauncher(module).run(simulation, properties);
            if (!Files.exists(recordFile)) {
                System.err.println("loadtest: Gatling ended (exit " + outcome.exitCode() + ") without a run record; see its output above");
                return false;
            }
            RunRecord record = read(recordFile);
            try (Ledger ledger = new Ledger(config)) {
                long accepted = record.all().count(Tally.Kind.FIRST_VOTE, 202);
                System.out.printf("loadtest: waiting for the queue to drain (%,d accepted first votes)...%n", accepted);
                Ledger.Drained drained = ledger.awaitCounted(record.pollId(), accepted, Duration.ofSeconds(15), Duration.ofMinutes(5));
                LoadSummary summary = new LoadSummary(record, drained, ledger.exactness(record.pollId()), outcome,
                        simulation.equals("PrimeTime") ? new TreeSet<>(List.of(202, 409, 429, 503)) : new TreeSet<>(List.of(202, 409)),
                        where);
                summary.print(System.out);
                if (owned != null) {
                    System.out.printf("memory (RSS)      at start: %s; at the end: %s%n", memoryAtStart, memory(owned));
                }
                return summary.passed();
            }
        } finally {
            if (owned != null) {
                owned.close();
            }
        }
    }

    private static String memory(OwnedSystem owned) {
        if (owned == null) {
            return "";
        }
        StringBuilder line = new StringBuilder("api " + ProcessMemory.rssMegabytes(owned.system().apiPid()) + " MB");
        owned.system().workerPids().forEach(pid -> line.append(", worker ").append(ProcessMemory.rssMegabytes(pid)).append(" MB"));
        return line.toString();
    }

    private int workers() {
        return Integer.parseInt(environment.getOrDefault("WORKERS", "1"));
    }

    private SystemUnderTest.Options options() {
        return SystemUnderTest.Options.fromEnvironment(environment, workers());
    }

    private static RunRecord read(Path file) {
        ObjectMapper mapper = Json.newMapper();
        try {
            return mapper.readValue(file.toFile(), RunRecord.class);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the run record " + file + ": " + e.getMessage(), e);
        }
    }
}
