package dev.voting.loadtest.bench;

import dev.voting.loadtest.system.Slice;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link BareServer} in a JVM of its own, with the API's Java options, and loads it with the
 * same wrk script and connection counts as the system: the ceiling this machine and this HTTP server
 * put on any handler, measured minutes from the system's own phases, so that their ratio means
 * something on a machine whose speed drifts between days.
 */
final class BareReference implements AutoCloseable {
    private static final Duration WARM_UP = Duration.ofSeconds(15);
    private static final int WARM_UP_CONNECTIONS = 200;

    private final Process server;
    private final String baseUrl;
    private final Wrk wrk;

    private BareReference(Process server, String baseUrl, Wrk wrk) {
        this.server = server;
        this.baseUrl = baseUrl;
        this.wrk = wrk;
    }

    static BareReference start(String javaOptions, Path runFolder, Wrk wrk) {
        int port = Slice.freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (javaOptions != null && !javaOptions.isBlank()) {
            command.addAll(Arrays.asList(javaOptions.trim().split("\\s+")));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), BareServer.class.getName(), Integer.toString(port)));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(runFolder.resolve("bare-server.log").toFile()).start();
            BareReference reference = new BareReference(process, "http://127.0.0.1:" + port, wrk);
            reference.awaitListening(port);
            return reference;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the bare server: " + e.getMessage(), e);
        }
    }

    /** wrk against the bare server at each connection count, after a warm-up of its own (not reported). */
    List<BenchResult.BarePhase> measure(List<Integer> connections, Duration each, Path tokens, int tokenCount) {
        System.out.printf("bench: bare JDK server, %d s warm-up at %d connections (not reported)%n", WARM_UP.toSeconds(), WARM_UP_CONNECTIONS);
        run(WARM_UP_CONNECTIONS, WARM_UP, tokens, tokenCount);
        List<BenchResult.BarePhase> phases = new ArrayList<>();
        for (int c : connections) {
            Wrk.Result result = run(c, each, tokens, tokenCount);
            BenchResult.BarePhase phase = new BenchResult.BarePhase(c, result.requests() / result.seconds(),
                    result.latencyMicros().p50() / 1000.0, result.latencyMicros().p99() / 1000.0);
            System.out.printf("bench: bare JDK server at %,d connections: %,.0f requests/s, p99 %.1f ms%n",
                    c, phase.requestsPerSecond(), phase.p99Millis());
            phases.add(phase);
        }
        return phases;
    }

    private Wrk.Result run(int connections, Duration duration, Path tokens, int tokenCount) {
        // The same script and arguments as a vote phase: the bare server ignores the path, token and body.
        return wrk.run(baseUrl, 1, List.of(1L), tokens, tokenCount, connections, duration, 0);
    }

    private void awaitListening(int port) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IllegalStateException("the bare server stopped at start (exit " + server.exitValue() + ")");
            }
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException notYet) {
                sleep();
            }
        }
        throw new IllegalStateException("the bare server did not listen within 30 s");
    }

    @Override
    public void close() {
        server.destroy();
        try {
            if (!server.waitFor(10, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        } catch (InterruptedException e) {
            server.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
