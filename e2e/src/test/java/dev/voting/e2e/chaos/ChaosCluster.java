package dev.voting.e2e.chaos;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.zaxxer.hikari.HikariDataSource;
import dev.voting.shared.config.Config;
import dev.voting.shared.db.Migrations;
import dev.voting.shared.db.Postgres;
import dev.voting.shared.redis.RedisClients;
import dev.voting.testkit.Tokens;
import dev.voting.testkit.process.Child;
import dev.voting.testkit.process.JavaApp;
import dev.voting.testkit.process.LocalPostgres;
import dev.voting.testkit.process.LocalRabbit;
import dev.voting.testkit.process.LocalRedis;
import dev.voting.testkit.process.Ports;
import dev.voting.testkit.process.Processes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * Everything a chaos run kills, all started by the run itself: PostgreSQL, Redis and RabbitMQ on
 * free loopback ports with their data under {@code target/chaos}, two API processes and two workers
 * from the built jars. Only these recorded processes are ever signalled.
 */
final class ChaosCluster implements AutoCloseable {
    static final String QUEUE = "votes";
    static final int APIS = 2;
    /** The APIs' PUBLISH_CONFIRM_TIMEOUT_MS: short, so that a broker stall of a few seconds outlasts it. */
    static final Duration CONFIRM_TIMEOUT = Duration.ofMillis(1_500);

    private final Path home;
    private final LocalPostgres postgres;
    private final LocalRedis redis;
    private final LocalRabbit rabbit;
    private final List<Integer> apiPorts = new ArrayList<>();
    private final Map<String, String> environment = new HashMap<>();
    private final List<Child> apis = new ArrayList<>();
    private final List<Child> workers = new ArrayList<>();
    private final List<AutoCloseable> started = new ArrayList<>();

    ChaosCluster(Path home) {
        this.home = home.toAbsolutePath();
        deleteRecursively(this.home);
        postgres = new LocalPostgres(this.home.resolve("postgresql"));
        redis = new LocalRedis(this.home.resolve("redis"));
        rabbit = new LocalRabbit(this.home.resolve("rabbitmq"));
        started.add(rabbit);
        started.add(redis);
        started.add(postgres);
        environment.put("DATABASE_URL", postgres.url());
        environment.put("DATABASE_POOL_SIZE", "4");
        environment.put("REDIS_URL", redis.url());
        environment.put("REDIS_KEY_PREFIX", "chaos:");
        environment.put("RABBITMQ_URL", rabbit.url());
        environment.put("RABBITMQ_QUEUE_NAME", QUEUE);
        environment.put("JWT_SECRET_KEY", Tokens.SECRET);
        environment.put("API_HOST", "127.0.0.1");
        environment.put("API_METRICS_PORT", "0");
        environment.put("WORKER_METRICS_PORT", "0");
        // The load comes from one address: the per-IP limits would refuse it; the per-voter limit stays on.
        environment.put("RATE_LIMIT_IP_PER_SECOND", "0");
        environment.put("API_MAX_REQUESTS_PER_CLIENT", "1000000");
        environment.put("RESULTS_CACHE_TTL_SECONDS", "0");
        Path logs = this.home.resolve("logs");
        for (int i = 1; i <= APIS; i++) {
            int port = Ports.free();
            Map<String, String> api = new HashMap<>(environment);
            api.put("API_PORT", Integer.toString(port));
            api.put("PUBLISH_CONFIRM_TIMEOUT_MS", Long.toString(CONFIRM_TIMEOUT.toMillis()));
            apiPorts.add(port);
            apis.add(JavaApp.process("api-" + i, JavaApp.jar("api", "voting-api.jar"), api, logs));
        }
        for (int i = 1; i <= 2; i++) {
            workers.add(JavaApp.process("worker-" + i, JavaApp.jar("worker", "voting-worker.jar"), environment, logs));
        }
    }

    static boolean available() {
        return LocalPostgres.available() && LocalRedis.available() && LocalRabbit.available();
    }

    ChaosCluster start() {
        CompletableFuture<Void> broker = CompletableFuture.runAsync(rabbit::start);  // the slow one: ~7 s
        postgres.start();
        redis.start();
        try (HikariDataSource database = Postgres.pool(config().database(), "chaos-migrate", new SimpleMeterRegistry())) {
            Migrations.apply(database, "public");
        }
        broker.join();
        apis.forEach(Child::start);
        workers.forEach(Child::start);
        for (int i = 0; i < APIS; i++) {
            Processes.awaitPort(apis.get(i), apiPorts.get(i), Duration.ofSeconds(60));
        }
        return this;
    }

    Config config() {
        return Config.from(environment);
    }

    List<Integer> apiPorts() {
        return List.copyOf(apiPorts);
    }

    /** API process {@code number}, 1 or 2. */
    Child api(int number) {
        return apis.get(number - 1);
    }

    List<Child> apis() {
        return List.copyOf(apis);
    }

    Child worker(int number) {
        return workers.get(number - 1);
    }

    LocalPostgres postgres() {
        return postgres;
    }

    LocalRedis redis() {
        return redis;
    }

    LocalRabbit rabbit() {
        return rabbit;
    }

    /** A worker that halts right after its first commit ({@code WORKER_FAULT_HALT_AFTER_COMMIT=1}). */
    Child haltingWorker() {
        Map<String, String> halting = new HashMap<>(environment);
        halting.put("WORKER_FAULT_HALT_AFTER_COMMIT", "1");
        Child child = JavaApp.process("worker-halting", JavaApp.jar("worker", "voting-worker.jar"), halting, home.resolve("logs"));
        started.add(child);
        return child;
    }

    /**
     * Starts API process {@code number} again, and again whenever it exits before listening, as an
     * orchestrator would: it refuses to start while the broker or PostgreSQL is down, which another
     * component's fault may have them be. Returns how many starts it took.
     */
    int restartApi(int number, Duration bound) {
        Child api = api(number);
        int port = apiPorts.get(number - 1);
        long deadline = System.nanoTime() + bound.toNanos();
        int starts = 0;
        while (System.nanoTime() < deadline) {
            if (Ports.answers(port)) {
                return starts;
            }
            if (!api.isAlive()) {
                if (starts > 0) {
                    Processes.sleep(Duration.ofSeconds(1));
                }
                api.start();
                starts++;
            }
            Processes.sleep(Duration.ofMillis(200));
        }
        throw new IllegalStateException(api.name() + " did not listen on " + port + " within " + bound.toSeconds()
                + " s (" + starts + " starts):\n" + api.tail(30));
    }

    /** A client of the chaos Redis, for the faults that command it rather than signal it. */
    UnifiedJedis redisClient() {
        return RedisClients.create(config().redis());
    }

    /** {@code FLUSHALL}: every marker, bucket, pending vote and count gone, the server still up. */
    void flushRedis() {
        try (UnifiedJedis client = redisClient()) {
            client.flushAll();
        }
    }

    /**
     * Makes the chaos Redis answer every write with an OOM error ({@code maxmemory} 1 byte,
     * {@code noeviction}) for {@code length}, then restores its settings; true when a probe write was
     * indeed refused.
     */
    boolean redisOutOfMemory(Duration length) {
        try (UnifiedJedis client = redisClient()) {
            Map<String, String> before = client.configGet("maxmemory", "maxmemory-policy");
            client.configSet(Map.of("maxmemory-policy", "noeviction", "maxmemory", "1"));
            try {
                boolean refused;
                try {
                    client.set("chaos:oom-probe", "x");
                    refused = false;
                } catch (JedisDataException e) {
                    refused = e.getMessage().startsWith("OOM");
                }
                Processes.sleep(length);
                return refused;
            } finally {
                client.configSet(before);
            }
        }
    }

    /** {@code CLIENT PAUSE <ms> WRITE}: Redis holds every write (and every script) for {@code length}, then goes on. */
    void pauseRedisWrites(Duration length) {
        try (UnifiedJedis client = redisClient()) {
            client.sendCommand(Protocol.Command.CLIENT, "PAUSE", Long.toString(length.toMillis()), "WRITE");
        }
    }

    /**
     * Turns PostgreSQL read-only for every new transaction ({@code default_transaction_read_only},
     * reloaded), as a failed-over primary would be, or back; returns what a fresh session now sees.
     * The harness's own session sets the default off for itself first, so that it can always undo it.
     */
    String postgresReadOnly(boolean on) throws SQLException {
        try (var connection = postgres.connect(); Statement statement = connection.createStatement()) {
            statement.execute("SET default_transaction_read_only = off");
            statement.execute(on ? "ALTER SYSTEM SET default_transaction_read_only = on"
                    : "ALTER SYSTEM RESET default_transaction_read_only");
            statement.execute("SELECT pg_reload_conf()");
        }
        Processes.sleep(Duration.ofMillis(200));  // the postmaster signals the backends; give them a moment
        try (var connection = postgres.connect(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SHOW default_transaction_read_only")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Publishes raw bytes straight to the queue with a confirm, as a broken producer would. */
    void publishRaw(String type, byte[] body) {
        try (Connection connection = amqp(); Channel channel = connection.createChannel()) {
            channel.confirmSelect();
            channel.basicPublish("", QUEUE, new AMQP.BasicProperties.Builder().deliveryMode(2)
                    .contentType("application/json").type(type).build(), body);
            channel.waitForConfirmsOrDie(10_000);
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish to the chaos broker", e);
        }
    }

    long messagesReady(String queue) {
        try (Connection connection = amqp(); Channel channel = connection.createChannel()) {
            return channel.queueDeclarePassive(queue).getMessageCount();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the depth of " + queue, e);
        }
    }

    private Connection amqp() throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(rabbit.url());
        factory.setAutomaticRecoveryEnabled(false);
        return factory.newConnection("chaos-harness");
    }

    @Override
    public void close() {
        List<AutoCloseable> order = new ArrayList<>(workers);
        order.addAll(apis);
        order.addAll(started.reversed());
        for (AutoCloseable resource : order) {
            try {
                resource.close();
            } catch (Exception e) {
                System.err.println("chaos: closing " + resource + " failed: " + e);
            }
        }
    }

    /** Clears a run's directory of an earlier run. */
    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + dir, e);
        }
    }
}
