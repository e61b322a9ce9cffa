package dev.voting.shared.redis;

import dev.voting.shared.config.Config;
import dev.voting.shared.config.Secrets;
import dev.voting.shared.lifecycle.Dependency;
import dev.voting.shared.lifecycle.StartupException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;

import java.time.Duration;

/** The pooled, thread-safe Redis client both processes share. */
public final class RedisClients {
    private RedisClients() {
    }

    /**
     * The pool's health as gauges: {@code redis_pool_connections{state=active|idle}}, the threads
     * waiting for a connection ({@code redis_pool_waiting_threads}, above 0 means the pool is too
     * small), and its size.
     */
    public static void monitor(RedisClient client, MeterRegistry registry) {
        var pool = client.getPool();
        Gauge.builder("redis.pool.connections", pool, p -> p.getNumActive()).tag("state", "active")
                .description("Redis connections of the pool, by state").register(registry);
        Gauge.builder("redis.pool.connections", pool, p -> p.getNumIdle()).tag("state", "idle")
                .description("Redis connections of the pool, by state").register(registry);
        Gauge.builder("redis.pool.waiting.threads", pool, p -> p.getNumWaiters())
                .description("Threads waiting for a Redis connection").register(registry);
        Gauge.builder("redis.pool.max.connections", pool, p -> p.getMaxTotal())
                .description("Size of the Redis pool").register(registry);
    }

    public static RedisClient create(Config.Redis config) {
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(config.poolSize());
        pool.setMaxIdle(config.poolSize());
        pool.setMinIdle(Math.min(4, config.poolSize()));
        // A request waits at most this long for a free connection before it is answered 503.
        pool.setMaxWait(Duration.ofSeconds(2));
        pool.setJmxEnabled(false);
        var clientConfig = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(2_000)
                .socketTimeoutMillis(2_000);
        String userInfo = config.uri().getUserInfo();
        if (userInfo != null) {
            String[] parts = userInfo.split(":", 2);
            if (parts.length == 2) {
                if (!parts[0].isEmpty()) {
                    clientConfig.user(parts[0]);
                }
                clientConfig.password(parts[1]);
            } else {
                clientConfig.password(parts[0]);
            }
        }
        String path = config.uri().getPath();
        if (path != null && path.length() > 1) {
            clientConfig.database(Integer.parseInt(path.substring(1)));
        }
        RedisClient client = RedisClient.builder()
                .hostAndPort(config.uri().getHost(), config.uri().getPort() == -1 ? 6379 : config.uri().getPort())
                .clientConfig(clientConfig.build())
                .poolConfig(pool)
                .build();
        try {
            client.ping();
        } catch (JedisException e) {
            client.close();
            throw new StartupException(Dependency.REDIS.unreachable(Secrets.maskUrl(config.uri().toString()), e), e);
        }
        return client;
    }
}
