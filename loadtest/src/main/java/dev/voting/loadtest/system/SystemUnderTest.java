package dev.voting.loadtest.system;

import dev.voting.loadtest.traffic.ApiCalls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The API and worker processes of one load run, started from copies of the built jars (so that a
 * rebuild in the same tree cannot pull a jar from under a running JVM), each logging to its own
 * file in the run folder. Closing stops the workers, then the API: SIGTERM, then a kill after a bound.
 */
public final class SystemUnderTest implements AutoCloseable {
    private static final Duration STOP_BOUND = Duration.ofSeconds(20);

    /** JVM options are split on spaces; {@code profile} records JDK Flight Recorder files in the run folder. */
    public record Options(Path apiJar, Path workerJar, String apiJavaOptions, String workerJavaOptions, int workers,
                          boolean profile) {
        /** The jars of this tree; {@code API_JAVA_OPTS}, {@code WORKER_JAVA_OPTS} and {@code PROFILE=1} as for {@code make run}. */
        public static Options fromEnvironment(Map<String, String> environment, int workers) {
            return new Options(Path.of("api/target/voting-api.jar"), Path.of("worker/target/voting-worker.jar"),
                    environment.getOrDefault("API_JAVA_OPTS", ""), environment.getOrDefault("WORKER_JAVA_OPTS", ""), workers,
                    "1".equals(environment.get("PROFILE")));
        }
    }

    private final Slice slice;
    private final Options options;
    private final Path runFolder;
    private final Path apiJar;
    private final Path workerJar;
    private final String java = ProcessHandle.current().info().command().orElse("java");
    private final List<Process> workers = new ArrayList<>();
    private int workersStarted;
    private Process api;

    private SystemUnderTest(Slice slice, Options options, Path runFolder) {
        this.slice = slice;
        this.options = options;
        this.runFolder = runFolder;
        try {
            Files.createDirectories(runFolder);
            apiJar = Files.copy(options.apiJar(), runFolder.resolve("voting-api.jar"), StandardCopyOption.REPLACE_EXISTING);
            workerJar = Files.copy(options.workerJar(), runFolder.resolve("voting-worker.jar"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + runFolder + " (build the jars first: make build): " + e.getMessage(), e);
        }
    }

    /** Migrates the slice, starts the API and the workers, and returns once the API is ready and the workers consume. */
    public static SystemUnderTest start(Slice slice, Options options, Path runFolder) {
        SystemUnderTest system = new SystemUnderTest(slice, options, runFolder);
        try {
            slice.migrate();
            system.api = system.launch("api", system.apiJar, options.apiJavaOptions());
            system.awaitApiReady(Duration.ofSeconds(60));
            system.startWorkers(options.workers());
            return system;
        } catch (RuntimeException e) {
            system.close();
            throw e;
        }
    }

    public Path runFolder() {
        return runFolder;
    }

    public long apiPid() {
        return api.pid();
    }

    public List<Long> workerPids() {
        return workers.stream().filter(Process::isAlive).map(Process::pid).toList();
    }

    /** Starts {@code count} workers and waits until the queue has their consumers. */
    public void startWorkers(int count) {
        int lanes = slice.workerConfig().lanes();
        for (int i = 0; i < count; i++) {
            workers.add(launch("worker-" + (++workersStarted), workerJar, options.workerJavaOptions()));
        }
        try (Ledger ledger = new Ledger(slice.config().common())) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (ledger.consumers() < (long) lanes * workerPids().size()) {
                checkAlive();
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the workers did not start consuming within 60 s; see " + runFolder);
                }
                sleep(100);
            }
        }
    }

    /** Stops every worker (a clean SIGTERM: they finish and ack what they hold). */
    public void stopWorkers() {
        workers.forEach(SystemUnderTest::stop);
        workers.clear();
    }

    private void awaitApiReady(Duration bound) {
        ApiCalls calls = new ApiCalls(slice.baseUrl());
        long deadline = System.nanoTime() + bound.toNanos();
        while (!calls.ready()) {
            checkAlive();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the API at " + slice.baseUrl() + " was not ready within "
                        + bound.toSeconds() + " s; see " + runFolder.resolve("api.log"));
            }
            sleep(200);
        }
    }

    private void checkAlive() {
        if (api != null && !api.isAlive()) {
            throw new IllegalStateException("the API stopped (exit " + api.exitValue() + "): " + tail("api.log"));
        }
        for (int i = 0; i < workers.size(); i++) {
            if (!workers.get(i).isAlive()) {
                throw new IllegalStateException("a worker stopped (exit " + workers.get(i).exitValue() + "); see " + runFolder);
            }
        }
    }

    private Process launch(String name, Path jar, String javaOptions) {
        List<String> command = new ArrayList<>();
        command.add(java);
        if (javaOptions != null && !javaOptions.isBlank()) {
            command.addAll(Arrays.asList(javaOptions.trim().split("\\s+")));
        }
        if (options.profile()) {
            command.add("-XX:StartFlightRecording=filename=" + runFolder.resolve(name + ".jfr") + ",settings=profile,dumponexit=true");
        }
        command.add("-jar");
        command.add(jar.toString());
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(runFolder.resolve(name + ".log").toFile());
        builder.environment().clear();
        builder.environment().putAll(slice.environment());
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + e.getMessage(), e);
        }
    }

    private String tail(String log) {
        try {
            List<String> lines = Files.readAllLines(runFolder.resolve(log));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(STOP_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Stops the processes and deletes the jar copies; the logs (and recordings) stay in the run folder. */
    @Override
    public void close() {
        stopWorkers();
        if (api != null) {
            stop(api);
        }
        for (Path jar : List.of(apiJar, workerJar)) {
            try {
                Files.deleteIfExists(jar);
            } catch (IOException e) {
                System.err.println("could not delete " + jar + ": " + e.getMessage());
            }
        }
    }
}
