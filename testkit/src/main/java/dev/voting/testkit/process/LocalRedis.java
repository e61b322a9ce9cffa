package dev.voting.testkit.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A Redis of a test's own, without persistence: killing it loses everything, as the fault wants. */
public final class LocalRedis implements AutoCloseable {
    private final int port;
    private final Child server;

    public LocalRedis(Path home) {
        this.port = Ports.free();
        Path dir = home.toAbsolutePath();
        server = new Child("redis", List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--protected-mode", "no", "--dir", dir.toString()),
                Map.of(), dir, dir.resolve("redis.log"));
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static boolean available() {
        return Files.isExecutable(Path.of("/usr/bin/redis-server")) || Files.isExecutable(Path.of("/usr/local/bin/redis-server"));
    }

    public LocalRedis start() {
        server.start();
        Processes.awaitPort(server, port, Duration.ofSeconds(30));
        return this;
    }

    public void kill() {
        server.kill();
    }

    public String url() {
        return "redis://127.0.0.1:" + port + "/0";
    }

    public Child process() {
        return server;
    }

    @Override
    public void close() {
        server.close();
    }
}
