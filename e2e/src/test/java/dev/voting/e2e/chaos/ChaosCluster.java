package dev.voting.e2e.chaos;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.zaxxer.hikari.HikariDataSource;
import dev.voting.shared.config.Config;
import dev.voting.shared.db.Migrations;
import dev.voting.shared.db.Postgres;
import dev.voting.testkit.Tokens;
import dev.voting.testkit.process.Child;
import dev.voting.testkit.process.JavaApp;
import dev.voting.testkit.process.LocalPostgres;
import dev.voting.testkit.process.LocalRabbit;
import dev.voting.testkit.process.LocalRedis;
import dev.voting.testkit.process.Ports;
import dev.voting.testkit.process.Processes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * free loopback ports with their data under {@code target/chaos}, the API and two workers from the
 * built jars. Only these recorded processes are ever signalled.
 */
final class ChaosCluster implements AutoCloseable {
    static final String QUEUE = "votes";

    private final Path home;
    private final LocalPostgres postgres;
    private final LocalRedis redis;
    private final LocalRabbit rabbit;
    private final int apiPort = Ports.free();
    private final Map<String, String> environment = new HashMap<>();
    private final Child api;
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
        environment.put("API_PORT", Integer.toString(apiPort));
        environment.put("WORKER_METRICS_PORT", "0");
        // The load comes from one address: the per-IP limit would refuse it; the per-voter limit stays on.
        environment.put("RATE_LIMIT_IP_PER_SECOND", "0");
        environment.put("RESULTS_CACHE_TTL_SECONDS", "0");
        Path logs = this.home.resolve("logs");
        api = JavaApp.process("api", JavaApp.jar("api", "voting-api.jar"), environment, logs);
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
        api.start();
        workers.forEach(Child::start);
        awaitApi();
        return this;
    }

    Config config() {
        return Config.from(environment);
    }

    int apiPort() {
        return apiPort;
    }

    Child api() {
        return api;
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

    void restartApi() {
        api.start();
        awaitApi();
    }

    void awaitApi() {
        Processes.awaitPort(api, apiPort, Duration.ofSeconds(60));
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
        order.add(api);
        order.addAll(started.reversed());
        for (AutoCloseable resource : order) {
            try {
                resource.close();
            } catch (Exception e) {
                System.err.println("chaos: closing " + resource + " failed: " + e);
            }
        }
    }

    private static void deleteRecursively(Path dir) {
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
