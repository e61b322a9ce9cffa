package dev.voting.loadtest.system;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.zaxxer.hikari.HikariDataSource;
import dev.voting.shared.amqp.Amqp;
import dev.voting.api.ApiConfig;
import dev.voting.shared.config.Config;
import dev.voting.worker.WorkerConfig;
import dev.voting.shared.db.Migrations;
import dev.voting.shared.db.Postgres;
import dev.voting.shared.redis.RedisClients;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.io.IOException;
import java.net.ServerSocket;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

/**
 * A private slice of the local services for one load run: its own PostgreSQL schema (migrated),
 * queue and Redis key prefix, API ports of its own and per-client limits off (all the load comes
 * from one IP). {@code make run} and the tests never see it; {@link #drop()} removes every trace.
 */
public final class Slice {
    private final String name;
    private final Map<String, String> environment;
    private final ApiConfig config;

    private Slice(String name, Map<String, String> environment) {
        this.name = name;
        this.environment = Map.copyOf(environment);
        this.config = ApiConfig.from(this.environment);
    }

    /** {@code base} is the caller's environment (services, JWT secret); {@code apiPort} 0 picks a free one. */
    public static Slice create(Map<String, String> base, int apiPort) {
        String name = "lt_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10).toLowerCase(Locale.ROOT);
        Map<String, String> environment = new HashMap<>(base);
        environment.put("DATABASE_SCHEMA", name);
        environment.put("REDIS_KEY_PREFIX", name + ":");
        environment.put("RABBITMQ_QUEUE_NAME", name + ".votes");
        environment.put("API_HOST", "127.0.0.1");
        environment.put("API_PORT", Integer.toString(apiPort == 0 ? freePort() : apiPort));
        environment.put("API_METRICS_PORT", Integer.toString(freePort()));
        environment.put("WORKER_METRICS_PORT", "0");
        environment.put("RATE_LIMIT_VOTER_PER_SECOND", "0");
        environment.put("RATE_LIMIT_IP_PER_SECOND", "0");
        environment.put("API_MAX_REQUESTS_PER_CLIENT", "1000000");
        return new Slice(name, environment);
    }

    public String name() {
        return name;
    }

    /** The environment the API and the workers of this slice run with. */
    public Map<String, String> environment() {
        return environment;
    }

    /** The API's settings of this slice; {@code common()} says where the services are. */
    public ApiConfig config() {
        return config;
    }

    /** The API's operator port, where its {@code /metrics} are. */
    public String metricsUrl() {
        return "http://127.0.0.1:" + config.http().metricsPort();
    }

    /** The workers' settings of this slice. */
    public WorkerConfig workerConfig() {
        return WorkerConfig.from(environment);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + config.http().port();
    }

    public void migrate() {
        try (HikariDataSource database = pool()) {
            Migrations.apply(database, name);
        }
    }

    /** Drops the schema, the queues and the keys of this slice; says what it could not remove. */
    public void drop() {
        try (HikariDataSource database = pool(); java.sql.Connection connection = database.getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
        } catch (SQLException | RuntimeException e) {
            System.err.println("could not drop schema " + name + ": " + e.getMessage());
        }
        try (Amqp amqp = new Amqp(config.common().rabbit()); Connection connection = amqp.connect("loadtest-cleanup");
             Channel channel = connection.createChannel()) {
            channel.queueDelete(config.common().rabbit().queue());
            channel.queueDelete(config.common().rabbit().deadLetterQueue());
        } catch (IOException | RuntimeException | TimeoutException e) {
            System.err.println("could not delete the queues of " + name + ": " + e.getMessage());
        }
        try (UnifiedJedis redis = RedisClients.create(config.common().redis())) {
            deleteKeys(redis, name + ":");
        } catch (RuntimeException e) {
            System.err.println("could not delete the Redis keys of " + name + ": " + e.getMessage());
        }
    }

    HikariDataSource pool() {
        return Postgres.pool(new Config.Database(config.common().database().url(), name, 2), "loadtest", new SimpleMeterRegistry());
    }

    private static void deleteKeys(UnifiedJedis redis, String prefix) {
        String cursor = ScanParams.SCAN_POINTER_START;
        ScanParams match = new ScanParams().match(prefix + "*").count(5_000);
        do {
            ScanResult<String> page = redis.scan(cursor, match);
            List<String> keys = page.getResult();
            if (!keys.isEmpty()) {
                redis.unlink(keys.toArray(String[]::new));
            }
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    }

    /** A port nothing listens on now, for a process the load tools start. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port: " + e.getMessage(), e);
        }
    }
}
