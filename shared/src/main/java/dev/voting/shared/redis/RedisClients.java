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
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.Pool;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * The pooled, thread-safe Redis client both processes share: one server, or the master a set of
 * Sentinels names, followed through a failover (Jedis re-points its pool when the Sentinels announce
 * a new master; the commands in flight then fail, and callers treat that as Redis being away).
 */
public final class RedisClients {
    private RedisClients() {
    }

    /**
     * The pool's health as gauges: {@code redis_pool_connections{state=active|idle}}, the threads
     * waiting for a connection ({@code redis_pool_waiting_threads}, above 0 means the pool is too
     * small), and its size. Behind Sentinels, the pool of the current master.
     */
    public static void monitor(UnifiedJedis client, MeterRegistry registry) {
        Supplier<Pool<Connection>> pool = switch (client) {
            case RedisClient one -> one::getPool;
            case RedisSentinelClient sentineled -> () -> sentineled.getPrimaryNodesConnectionMap().values().stream().findFirst().orElse(null);
            default -> throw new IllegalArgumentException("not a client RedisClients made: " + client.getClass().getName());
        };
        gauge(registry, "redis.pool.connections", "Redis connections of the pool, by state", pool, Pool::getNumActive, "active");
        gauge(registry, "redis.pool.connections", "Redis connections of the pool, by state", pool, Pool::getNumIdle, "idle");
        gauge(registry, "redis.pool.waiting.threads", "Threads waiting for a Redis connection", pool, Pool::getNumWaiters, null);
        gauge(registry, "redis.pool.max.connections", "Size of the Redis pool", pool, Pool::getMaxTotal, null);
    }

    private static void gauge(MeterRegistry registry, String name, String description, Supplier<Pool<Connection>> pool,
                              ToIntFunction<Pool<Connection>> value, String state) {
        Gauge.Builder<Supplier<Pool<Connection>>> gauge = Gauge.builder(name, pool, p -> {
            Pool<Connection> current = p.get();
            return current == null ? Double.NaN : value.applyAsInt(current);
        }).description(description);
        if (state != null) {
            gauge.tag("state", state);
        }
        gauge.register(registry);
    }

    public static UnifiedJedis create(Config.Redis config) {
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(config.poolSize());
        pool.setMaxIdle(config.poolSize());
        pool.setMinIdle(Math.min(4, config.poolSize()));
        // A request waits at most this long for a free connection before it is answered 503.
        pool.setMaxWait(Duration.ofSeconds(2));
        pool.setJmxEnabled(false);
        DefaultJedisClientConfig clientConfig = clientConfig(config);
        UnifiedJedis client;
        String where;
        if (config.viaSentinels()) {
            where = "master " + config.masterName() + " of the Sentinels " + config.sentinels();
            try {
                client = RedisSentinelClient.builder()
                        .masterName(config.masterName())
                        .sentinels(hostAndPorts(config))
                        .sentinelClientConfig(DefaultJedisClientConfig.builder()
                                .connectionTimeoutMillis(2_000).socketTimeoutMillis(2_000).build())
                        .clientConfig(clientConfig)
                        .poolConfig(pool)
                        .build();
            } catch (JedisException e) {  // no Sentinel answered, or none knows the master
                throw new StartupException(Dependency.REDIS.unreachable(where, e), e);
            }
        } else {
            where = Secrets.maskUrl(config.uri().toString());
            client = RedisClient.builder()
                    .hostAndPort(config.uri().getHost(), config.uri().getPort() == -1 ? 6379 : config.uri().getPort())
                    .clientConfig(clientConfig)
                    .poolConfig(pool)
                    .build();
        }
        try {
            client.ping();
        } catch (JedisException e) {
            client.close();
            throw new StartupException(Dependency.REDIS.unreachable(where, e), e);
        }
        return client;
    }

    /** Credentials and database from the URL, for the server itself or for the master the Sentinels name. */
    private static DefaultJedisClientConfig clientConfig(Config.Redis config) {
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
        return clientConfig.build();
    }

    private static Set<HostAndPort> hostAndPorts(Config.Redis config) {
        Set<HostAndPort> sentinels = new LinkedHashSet<>();
        config.sentinels().forEach(hostPort -> sentinels.add(HostAndPort.from(hostPort)));
        return sentinels;
    }
}
