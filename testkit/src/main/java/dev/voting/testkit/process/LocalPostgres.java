package dev.voting.testkit.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A PostgreSQL 15 server of a test's own, in a data directory under {@code target/}, on a free
 * loopback port, so that a test may crash it without touching the machine's server on 5432.
 * PostgreSQL refuses to run as root, so as root it runs as the {@code postgres} user.
 */
public final class LocalPostgres implements AutoCloseable {
    private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");

    private final Path home;
    private final Path data;
    private final int port;
    private final Child server;

    public LocalPostgres(Path home) {
        this(home, data -> List.of(BIN.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres",
                "-A", "trust", "-E", "UTF8", "--no-sync"));
    }

    /**
     * A streaming replica of {@code primary} (which must be running), made with {@code pg_basebackup -R}:
     * read-only until {@link #promote()}.
     */
    public static LocalPostgres replicaOf(LocalPostgres primary, Path home) {
        return new LocalPostgres(home, data -> List.of(BIN.resolve("pg_basebackup").toString(), "-h", "127.0.0.1",
                "-p", Integer.toString(primary.port), "-U", "postgres", "-D", data.toString(), "-R", "-X", "stream", "-c", "fast"));
    }

    private LocalPostgres(Path home, Function<Path, List<String>> makeData) {
        this.home = home.toAbsolutePath();
        this.port = Ports.free();
        this.data = this.home.resolve("data");
        try {
            Files.createDirectories(this.home);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        asRoot(List.of("chown", "-R", "postgres:postgres", this.home.toString()));
        Processes.run(asPostgres(makeData.apply(data)), Duration.ofSeconds(60));
        // fsync off: the faults here are process crashes, which lose nothing the kernel already holds.
        server = new Child("postgresql", asPostgres(List.of(BIN.resolve("postgres").toString(), "-D", data.toString(),
                "-p", Integer.toString(port), "-k", this.home.toString(), "-c", "listen_addresses=127.0.0.1",
                "-c", "fsync=off", "-c", "max_connections=60", "-c", "shared_buffers=32MB")),
                Map.of("LC_ALL", "C"), this.home, this.home.resolve("postgresql.log"));
    }

    public static boolean available() {
        return Files.isExecutable(BIN.resolve("postgres")) && Files.isExecutable(BIN.resolve("initdb"));
    }

    public LocalPostgres start() {
        server.start();
        Processes.awaitPort(server, port, Duration.ofSeconds(60));
        awaitQueries(Duration.ofSeconds(60));
        return this;
    }

    /** Immediate shutdown (SIGQUIT): no checkpoint, crash recovery at the next start. */
    public void crash() {
        server.signal("QUIT");
        server.await(Duration.ofSeconds(30));
    }

    public void kill() {
        server.kill();
    }

    /** Ends recovery: a replica becomes a primary that takes writes, as a failover manager would have it. */
    public void promote() {
        Processes.run(asPostgres(List.of(BIN.resolve("pg_ctl").toString(), "promote", "-w", "-D", data.toString())),
                Duration.ofSeconds(60));
    }

    public int port() {
        return port;
    }

    /** Ends every session whose {@code application_name} is {@code applicationName}; returns how many. */
    public int terminateSessions(String applicationName) {
        try (Connection connection = connect();
             PreparedStatement terminate = connection.prepareStatement(
                     "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = ?")) {
            terminate.setString(1, applicationName);
            try (ResultSet rs = terminate.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot terminate sessions of " + applicationName, e);
        }
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), "postgres", "");
    }

    public String url() {
        return "postgresql://postgres@127.0.0.1:" + port + "/postgres";
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    public Child process() {
        return server;
    }

    private void awaitQueries(Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            try (Connection connection = connect()) {
                connection.createStatement().execute("SELECT 1");
                return;
            } catch (SQLException e) {
                last = e;  // "the database system is starting up" during crash recovery
                Processes.sleep(Duration.ofMillis(100));
            }
        }
        throw new IllegalStateException("PostgreSQL on " + port + " does not answer queries:\n" + server.tail(20), last);
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static List<String> asPostgres(List<String> command) {
        if (!isRoot()) {
            return command;
        }
        // setpriv executes in place (no fork), so the PID recorded is the postmaster's own
        List<String> wrapped = new ArrayList<>(List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    private static void asRoot(List<String> command) {
        if (isRoot()) {
            Processes.run(command, Duration.ofSeconds(30));
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
