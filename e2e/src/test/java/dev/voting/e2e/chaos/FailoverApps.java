package dev.voting.e2e.chaos;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.zaxxer.hikari.HikariDataSource;
import dev.voting.shared.amqp.Amqp;
import dev.voting.shared.config.Config;
import dev.voting.shared.db.Migrations;
import dev.voting.shared.db.Postgres;
import dev.voting.testkit.Tokens;
import dev.voting.testkit.process.Child;
import dev.voting.testkit.process.JavaApp;
import dev.voting.testkit.process.Ports;
import dev.voting.testkit.process.Processes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One API process and two workers from the built jars, pointed at engines a failover test started
 * itself, and the exact check afterwards: every vote a client was told of, against PostgreSQL.
 */
final class FailoverApps implements AutoCloseable {
    static final String QUEUE = "votes";

    private final Map<String, String> environment = new HashMap<>();
    private final int apiPort = Ports.free();
    private final List<Child> processes = new ArrayList<>();

    /** {@code overrides} name the engines: DATABASE_URL, REDIS_URL, RABBITMQ_URL, ... */
    FailoverApps(Path logs, Map<String, String> overrides) {
        environment.put("DATABASE_POOL_SIZE", "4");
        environment.put("RABBITMQ_QUEUE_NAME", QUEUE);
        environment.put("JWT_SECRET_KEY", Tokens.SECRET);
        environment.put("API_HOST", "127.0.0.1");
        environment.put("WORKER_METRICS_PORT", "0");
        environment.put("RATE_LIMIT_IP_PER_SECOND", "0");  // the load comes from one address
        environment.put("RESULTS_CACHE_TTL_SECONDS", "0");
        environment.put("PUBLISH_CONFIRM_TIMEOUT_MS", "1500");
        environment.putAll(overrides);
        Map<String, String> api = new HashMap<>(environment);
        api.put("API_PORT", Integer.toString(apiPort));
        processes.add(JavaApp.process("api", JavaApp.jar("api", "voting-api.jar"), api, logs));
        for (int i = 1; i <= 2; i++) {
            processes.add(JavaApp.process("worker-" + i, JavaApp.jar("worker", "voting-worker.jar"), environment, logs));
        }
    }

    FailoverApps start() {
        try (HikariDataSource database = Postgres.pool(config().database(), "failover-migrate", new SimpleMeterRegistry())) {
            Migrations.apply(database, "public");
        }
        processes.forEach(Child::start);
        Processes.awaitPort(processes.getFirst(), apiPort, Duration.ofSeconds(60));
        return this;
    }

    Config config() {
        return Config.from(environment);
    }

    int apiPort() {
        return apiPort;
    }

    List<Long> pids() {
        return processes.stream().map(Child::pid).toList();
    }

    /** Every process is still running: a failover must not take an API or a worker down with it. */
    String dead() {
        return String.join(", ", processes.stream().filter(p -> !p.isAlive()).map(p -> p.name() + ":\n" + p.tail(20)).toList());
    }

    /** Messages ready in {@code queue}, by a passive declare through any live node. */
    long messagesReady(String queue) {
        try (Amqp amqp = new Amqp(config().rabbit()); Connection connection = amqp.connect("failover-harness");
             Channel channel = connection.createChannel()) {
            return channel.queueDeclarePassive(queue).getMessageCount();
        } catch (IOException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot read the depth of " + queue, e);
        }
    }

    /** Waits until the queue is empty and the database has stopped changing. */
    void awaitDrained(java.sql.Connection database, Duration bound) throws SQLException {
        long deadline = System.nanoTime() + bound.toNanos();
        long last = -1;
        int stable = 0;
        while (System.nanoTime() < deadline && stable < 3) {
            long processed = count(database, "SELECT (SELECT count(*) FROM votes) + (SELECT count(*) FROM rejected_votes)");
            stable = messagesReady(QUEUE) == 0 && processed == last ? stable + 1 : 0;
            last = processed;
            Processes.sleep(Duration.ofSeconds(1));
        }
    }

    /** The verdict on a run and what its DLQ holds. */
    record Settled(Verdict verdict, long deadLetters) {
    }

    /**
     * Waits for the load to end, retries every unclear outcome, waits for the queue to drain into
     * {@code database}, then judges what the clients were told against it.
     */
    Settled settle(Thread voting, LoadGenerator load, Timeline timeline, java.sql.Connection database) throws Exception {
        voting.join(Duration.ofSeconds(120));
        timeline.note("load finished");
        int unresolved = load.resolveUnknowns(Duration.ofSeconds(60));
        timeline.note("unclear outcomes resolved (%d unresolved)", unresolved);
        awaitDrained(database, Duration.ofSeconds(90));
        return new Settled(judge(database, load, unresolved), messagesReady(QUEUE + ".dlq"));
    }

    /** What the clients were told, held against PostgreSQL; Redis is not judged here (its count map is PostgreSQL's). */
    static Verdict judge(java.sql.Connection database, LoadGenerator load, int unresolved) throws SQLException {
        Verdict.Tables tables = Verdict.Tables.read(database);
        int attempts = (int) load.outcomes().stream().filter(o -> !o.retry()).count();
        return Verdict.of(attempts, load.outcomes(), tables.rows(), tables.rejected(), tables.pgCounts(), tables.rowCounts(),
                tables.pgCounts(), 0, 0, 0, unresolved, load.closedAt(), java.util.Set.of());
    }

    static long count(java.sql.Connection database, String sql) throws SQLException {
        try (Statement statement = database.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public void close() {
        for (Child child : processes.reversed()) {
            child.close();
        }
    }
}
