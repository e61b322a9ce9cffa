package dev.voting.e2e.chaos;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.zaxxer.hikari.HikariDataSource;
import dev.voting.e2e.chaos.LoadGenerator.Poll;
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
 * API processes and workers from the built jars (one API and two workers unless told otherwise),
 * pointed at engines a failover test started itself, and the exact check afterwards: every vote a
 * client was told of, against PostgreSQL (and Redis, when asked).
 */
final class FailoverApps implements AutoCloseable {
    /** The APIs' PUBLISH_CONFIRM_TIMEOUT_MS: also how long a hung broker node holds an API's votes before it moves on. */
    static final Duration CONFIRM_TIMEOUT = Duration.ofMillis(1_500);
    static final String QUEUE = "votes";

    private final Map<String, String> environment = new HashMap<>();
    private final List<Integer> apiPorts = new ArrayList<>();
    private final List<Child> apis = new ArrayList<>();
    private final List<Child> processes = new ArrayList<>();

    /** {@code overrides} name the engines: DATABASE_URL, REDIS_URL, RABBITMQ_URL, ... */
    FailoverApps(Path logs, Map<String, String> overrides) {
        this(logs, overrides, 1, 2);
    }

    FailoverApps(Path logs, Map<String, String> overrides, int apiCount, int workerCount) {
        environment.put("DATABASE_POOL_SIZE", "4");
        environment.put("RABBITMQ_QUEUE_NAME", QUEUE);
        environment.put("JWT_SECRET_KEY", Tokens.SECRET);
        environment.put("API_HOST", "127.0.0.1");
        environment.put("WORKER_METRICS_PORT", "0");
        environment.put("API_METRICS_PORT", "0");
        environment.put("RATE_LIMIT_IP_PER_SECOND", "0");  // the load comes from one address
        environment.put("RESULTS_CACHE_TTL_SECONDS", "0");
        environment.put("PUBLISH_CONFIRM_TIMEOUT_MS", Long.toString(CONFIRM_TIMEOUT.toMillis()));
        environment.putAll(overrides);
        for (int i = 1; i <= apiCount; i++) {
            int port = Ports.free();
            Map<String, String> api = new HashMap<>(environment);
            api.put("API_PORT", Integer.toString(port));
            apiPorts.add(port);
            apis.add(JavaApp.process(apiCount == 1 ? "api" : "api-" + i, JavaApp.jar("api", "voting-api.jar"), api, logs));
        }
        processes.addAll(apis);
        for (int i = 1; i <= workerCount; i++) {
            processes.add(JavaApp.process("worker-" + i, JavaApp.jar("worker", "voting-worker.jar"), environment, logs));
        }
    }

    FailoverApps start() {
        try (HikariDataSource database = Postgres.pool(config().database(), "failover-migrate", new SimpleMeterRegistry())) {
            Migrations.apply(database, "public");
        }
        processes.forEach(Child::start);
        for (int i = 1; i <= apis.size(); i++) {
            Processes.awaitPort(api(i), apiPorts.get(i - 1), Duration.ofSeconds(60));
        }
        return this;
    }

    /** API process {@code number} (1, 2, ...) again after a crash, once it listens. */
    void restartApi(int number) {
        api(number).start();
        Processes.awaitPort(api(number), apiPorts.get(number - 1), Duration.ofSeconds(60));
    }

    Child api(int number) {
        return apis.get(number - 1);
    }

    List<Integer> apiPorts() {
        return List.copyOf(apiPorts);
    }

    Config config() {
        return Config.from(environment);
    }

    int apiPort() {
        return apiPorts.getFirst();
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
        return settle(voting, load, timeline, database, List.of());
    }

    /** As above, and Redis's counts of {@code redisPolls} are judged against PostgreSQL's once they had time to level. */
    Settled settle(Thread voting, LoadGenerator load, Timeline timeline, java.sql.Connection database, List<Poll> redisPolls)
            throws Exception {
        voting.join(Duration.ofSeconds(120));
        timeline.note("load finished");
        int unresolved = load.resolveUnknowns(Duration.ofSeconds(60));
        timeline.note("unclear outcomes resolved (%d unresolved)", unresolved);
        awaitDrained(database, Duration.ofSeconds(90));
        timeline.note("queue drained");
        Verdict.Tables tables = Verdict.Tables.read(database);
        // Redis unjudged: its count map is PostgreSQL's
        Map<Long, Long> redis = redisPolls.isEmpty() ? tables.pgCounts()
                : RedisLevel.await(config().redis(), load, redisPolls, tables.pgCounts());
        int attempts = (int) load.outcomes().stream().filter(o -> !o.retry()).count();
        Verdict verdict = Verdict.of(attempts, load.outcomes(), tables.rows(), tables.rejected(), tables.pgCounts(),
                tables.rowCounts(), redis, 0, 0, 0, unresolved, load.closedAt(), java.util.Set.of());
        return new Settled(verdict, messagesReady(QUEUE + ".dlq"));
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
