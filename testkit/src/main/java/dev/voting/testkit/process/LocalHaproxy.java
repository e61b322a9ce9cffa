package dev.voting.testkit.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * HAProxy of a test's own on a free loopback port, in front of API processes on {@code backends}
 * ports, with the project's own configuration ({@code deploy/haproxy/haproxy.cfg.template}: round
 * robin, health checks on {@code /readyz} every 500 ms). {@code haproxy -D} detaches, so it is
 * stopped by the PID in its PID file, never by name.
 */
public final class LocalHaproxy implements AutoCloseable {
    private static final Path BINARY = Path.of("/usr/sbin/haproxy");
    private static final String TEMPLATE = "deploy/haproxy/haproxy.cfg.template";

    private final Path home;
    private final int port = Ports.free();
    private final List<Integer> backends;
    private long pid;

    public LocalHaproxy(Path home, List<Integer> backends) {
        this.home = home.toAbsolutePath();
        this.backends = List.copyOf(backends);
    }

    public static boolean available() {
        return Files.isExecutable(BINARY);
    }

    /** Writes the configuration, checks it ({@code haproxy -c}), starts HAProxy and waits until it listens. */
    public LocalHaproxy start() {
        Path config = home.resolve("haproxy.cfg");
        Path pidFile = home.resolve("haproxy.pid");
        try {
            Files.createDirectories(home);
            Files.writeString(config, config(Files.readString(template()), port, backends));
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Processes.run(List.of(BINARY.toString(), "-c", "-q", "-f", config.toString()), Duration.ofSeconds(10));
        Processes.run(List.of(BINARY.toString(), "-f", config.toString(), "-D", "-p", pidFile.toString()), Duration.ofSeconds(10));
        try {
            pid = Long.parseLong(Files.readString(pidFile).strip());
        } catch (IOException e) {
            throw new UncheckedIOException("haproxy wrote no PID file " + pidFile, e);
        }
        // the test JVM stopped halfway (Ctrl-C) still stops the daemon it started
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "stop-haproxy"));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!Ports.answers(port)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("haproxy (pid " + pid + ") does not listen on " + port);
            }
            Processes.sleep(Duration.ofMillis(50));
        }
        return this;
    }

    /** The template with its listening address and, per backend port, a checked server and an unchecked backup. */
    static String config(String template, int port, List<Integer> backends) {
        String servers = IntStream.range(0, backends.size())
                .mapToObj(i -> "    server api-" + (i + 1) + " 127.0.0.1:" + backends.get(i) + " check\n"
                        + "    server api-" + (i + 1) + "-backup 127.0.0.1:" + backends.get(i) + " backup")
                .collect(Collectors.joining("\n"));
        return template.replace("@BIND@", "127.0.0.1:" + port).replace("@SERVERS@", servers);
    }

    public int port() {
        return port;
    }

    public synchronized long pid() {
        return pid;
    }

    private static Path template() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(TEMPLATE))) {
                return dir.resolve(TEMPLATE);
            }
        }
        throw new IllegalStateException(TEMPLATE + " not found above " + Path.of("").toAbsolutePath());
    }

    /** SIGTERM to the recorded PID (HAProxy's hard stop), and a wait until it is gone. */
    @Override
    public synchronized void close() {
        if (pid <= 0) {
            return;
        }
        ProcessHandle.of(pid).ifPresent(process -> {
            process.destroy();
            process.onExit().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).exceptionally(e -> null).join();
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        });
        pid = 0;
    }
}
