package dev.voting.testkit.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A RabbitMQ node of a test's own: its own node name, AMQP and distribution ports, data, logs and
 * Erlang cookie under {@code target/}, no plugins. The start script forks the Erlang VM, so signals
 * go to the VM's PID from the node's PID file.
 */
public final class LocalRabbit implements AutoCloseable {
    private static final Path BIN = Path.of("/usr/lib/rabbitmq/bin");

    private final Path home;
    private final int port;
    private final String node;
    private final Map<String, String> environment = new HashMap<>();
    private final Child server;

    public LocalRabbit(Path home) {
        this.home = home.toAbsolutePath();
        this.port = Ports.free();
        this.node = "chaos" + port + "@localhost";
        try {
            Files.createDirectories(this.home.resolve("mnesia"));
            Files.createDirectories(this.home.resolve("log"));
            Files.createDirectories(this.home.resolve("home"));
            Files.writeString(this.home.resolve("rabbitmq.conf"), "listeners.tcp.local = 127.0.0.1:" + port + "\n"
                    + "loopback_users = none\n");
            Files.writeString(this.home.resolve("enabled_plugins"), "[].\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        environment.put("HOME", this.home.resolve("home").toString());  // the node's Erlang cookie lives here
        environment.put("RABBITMQ_NODENAME", node);
        environment.put("RABBITMQ_NODE_PORT", Integer.toString(port));
        environment.put("RABBITMQ_DIST_PORT", Integer.toString(Ports.free()));
        environment.put("RABBITMQ_MNESIA_BASE", this.home.resolve("mnesia").toString());
        environment.put("RABBITMQ_LOG_BASE", this.home.resolve("log").toString());
        environment.put("RABBITMQ_CONFIG_FILE", this.home.resolve("rabbitmq.conf").toString());
        environment.put("RABBITMQ_ENABLED_PLUGINS_FILE", this.home.resolve("enabled_plugins").toString());
        environment.put("RABBITMQ_PID_FILE", pidFile().toString());
        environment.put("RABBITMQ_CONF_ENV_FILE", "/dev/null");  // not the machine's node settings
        environment.put("ERL_EPMD_ADDRESS", "127.0.0.1");
        server = new Child("rabbitmq", List.of(BIN.resolve("rabbitmq-server").toString()), environment, this.home,
                this.home.resolve("rabbitmq.log"));
    }

    public static boolean available() {
        return Files.isExecutable(BIN.resolve("rabbitmq-server"));
    }

    public LocalRabbit start() {
        try {
            Files.deleteIfExists(pidFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.start();
        Child started = server;
        server.signalling(() -> vmPid(started));
        Processes.awaitPort(server, port, Duration.ofSeconds(90));
        return this;
    }

    /** {@code kill -9} of the Erlang VM: unconfirmed publishes are lost, confirmed ones are on disk. */
    public void kill() {
        server.kill();
    }

    /** The broker closes every client connection, as an operator or a failover would. */
    public void closeAllConnections() {
        Processes.run(List.of(BIN.resolve("rabbitmqctl").toString(), "-n", node, "close_all_connections", "chaos test"),
                environment, Duration.ofSeconds(60));
    }

    public String url() {
        return "amqp://guest:guest@127.0.0.1:" + port;
    }

    public Child process() {
        return server;
    }

    private Path pidFile() {
        return home.resolve("rabbitmq.pid");
    }

    private long vmPid(Child started) {
        try {
            String text = Files.exists(pidFile()) ? Files.readString(pidFile()).strip() : "";
            if (!text.isEmpty()) {
                return Long.parseLong(text);
            }
        } catch (IOException | NumberFormatException e) {
            // not written yet: the script's own PID stands in
        }
        return started.startedPid();
    }

    @Override
    public void close() {
        server.close();
    }
}
