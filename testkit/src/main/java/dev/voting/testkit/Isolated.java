package dev.voting.testkit;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.zaxxer.hikari.HikariDataSource;
import dev.voting.shared.amqp.Amqp;
import dev.voting.shared.config.Config;
import dev.voting.shared.db.Migrations;
import dev.voting.shared.db.Postgres;
import dev.voting.shared.json.Json;
import dev.voting.shared.vote.Vote;
import dev.voting.shared.vote.VoteCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * A private slice of the real services for one test: its own PostgreSQL schema (migrated), queue
 * and Redis key prefix, so that tests run side by side and next to {@code make run}. Everything is
 * removed on {@link #close()}.
 */
public final class Isolated implements AutoCloseable {
    private final String name;
    private final Map<String, String> environment = new HashMap<>();
    private final Config config;
    private final HikariDataSource database;
    private final UnifiedJedis redis;
    private final Amqp amqp;
    private final Connection rabbit;

    private Isolated(Map<String, String> overrides) {
        Services services = Services.get();
        name = "it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        environment.put("DATABASE_URL", services.databaseUrl());
        environment.put("DATABASE_SCHEMA", name);
        environment.put("REDIS_URL", services.redisUrl());
        environment.put("REDIS_KEY_PREFIX", name + ":");
        environment.put("RABBITMQ_URL", services.rabbitUrl());
        environment.put("RABBITMQ_QUEUE_NAME", name + ".votes");
        environment.put("JWT_SECRET_KEY", Tokens.SECRET);
        environment.put("API_HOST", "127.0.0.1");
        environment.put("API_PORT", "0");
        environment.put("API_METRICS_PORT", "0");
        environment.put("WORKER_METRICS_PORT", "0");
        environment.put("RATE_LIMIT_VOTER_PER_SECOND", "0");
        environment.put("RATE_LIMIT_IP_PER_SECOND", "0");
        environment.put("RESULTS_CACHE_TTL_SECONDS", "0");
        environment.put("WORKER_BATCH_MAX_WAIT_MS", "5");
        environment.putAll(overrides);
        config = Config.from(environment);
        database = Postgres.pool(new Config.Database(config.database().url(), name, 4), "test-" + name, new SimpleMeterRegistry());
        Migrations.apply(database, name);
        redis = dev.voting.shared.redis.RedisClients.create(config.redis());
        amqp = new Amqp(config.rabbit());
        rabbit = amqp.connectAtStartup("test-" + name);
    }

    public static Isolated create() {
        return new Isolated(Map.of());
    }

    public static Isolated create(Map<String, String> overrides) {
        return new Isolated(overrides);
    }

    /** Where this slice's services are; each app reads its own settings from {@link #environment()}. */
    public Config config() {
        return config;
    }

    /** The environment of this slice: for {@code ApiConfig.from}, {@code WorkerConfig.from}, or a process of its own. */
    public Map<String, String> environment() {
        return Map.copyOf(environment);
    }

    /** The same slice with some settings changed (for a second API or worker with other limits). */
    public Map<String, String> environment(Map<String, String> overrides) {
        Map<String, String> changed = new HashMap<>(environment);
        changed.putAll(overrides);
        return Map.copyOf(changed);
    }

    public HikariDataSource database() {
        return database;
    }

    public UnifiedJedis redis() {
        return redis;
    }

    public String queue() {
        return config.rabbit().queue();
    }

    /** One number from SQL, such as {@code SELECT count(*) FROM votes WHERE poll_id = ?}. */
    public long queryLong(String sql, Object... parameters) {
        try (var connection = database.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Rows of two longs, such as candidate → count. */
    public Map<Long, Long> queryPairs(String sql, Object... parameters) {
        try (var connection = database.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            Map<Long, Long> pairs = new HashMap<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    pairs.put(rs.getLong(1), rs.getLong(2));
                }
            }
            return pairs;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Messages ready in a queue (unacked ones not included). */
    public long messagesReady(String queue) {
        try (Channel channel = rabbit.createChannel()) {
            return channel.queueDeclarePassive(queue).getMessageCount();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Takes every message off this slice's queue and returns the votes they carry, in queue order. */
    public List<Vote> takeQueuedVotes() {
        VoteCodec codec = new VoteCodec(Json.newMapper());
        List<Vote> votes = new ArrayList<>();
        try (Channel channel = rabbit.createChannel()) {
            for (GetResponse message; (message = channel.basicGet(config.rabbit().queue(), true)) != null; ) {
                votes.addAll(codec.decode(message.getProps().getType(), message.getBody()));
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return votes;
    }

    /** Publishes raw bytes straight to the queue, as a foreign or broken producer would. */
    public void publishRaw(String type, byte[] body) {
        try (Channel channel = rabbit.createChannel()) {
            channel.confirmSelect();
            var properties = new com.rabbitmq.client.AMQP.BasicProperties.Builder()
                    .deliveryMode(2).contentType("application/json").type(type).build();
            channel.basicPublish("", queue(), properties, body);
            channel.waitForConfirmsOrDie(5_000);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public Connection rabbit() {
        return rabbit;
    }

    @Override
    public void close() {
        try (var connection = database.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
        } catch (SQLException e) {
            System.err.println("could not drop schema " + name + ": " + e.getMessage());
        }
        database.close();
        try (Channel channel = rabbit.createChannel()) {
            channel.queueDelete(config.rabbit().queue());
            channel.queueDelete(config.rabbit().deadLetterQueue());
        } catch (Exception e) {
            System.err.println("could not delete queues of " + name + ": " + e.getMessage());
        }
        try {
            rabbit.close();
        } catch (Exception ignored) {
            // the broker may be the thing a test stopped
        }
        amqp.close();
        try {
            wipeRedis();
        } catch (RuntimeException e) {
            System.err.println("could not delete Redis keys of " + name + ": " + e.getMessage());
        }
        redis.close();
    }

    /** Deletes every Redis key of this slice: what the system sees when Redis loses its data. */
    public void wipeRedis() {
        String cursor = ScanParams.SCAN_POINTER_START;
        ScanParams match = new ScanParams().match(name + ":*").count(1000);
        do {
            ScanResult<String> page = redis.scan(cursor, match);
            List<String> keys = new ArrayList<>(page.getResult());
            if (!keys.isEmpty()) {
                redis.del(keys.toArray(String[]::new));
            }
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    }
}
