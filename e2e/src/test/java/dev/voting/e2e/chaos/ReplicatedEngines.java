package dev.voting.e2e.chaos;

import dev.voting.testkit.process.LocalPostgres;
import dev.voting.testkit.process.LocalRabbitCluster;
import dev.voting.testkit.process.LocalRedisSentinels;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Every engine replicated, as in production, on free loopback ports with data under {@code home}:
 * three RabbitMQ nodes, a PostgreSQL primary with a streaming replica, a Redis master with a replica
 * and three Sentinels. Started side by side (~35 s on two cores, most of it RabbitMQ's boot).
 */
final class ReplicatedEngines implements AutoCloseable {
    /** A paused (not dead) node is noticed by the others after this, instead of Erlang's 60 s. */
    static final Duration NET_TICKTIME = Duration.ofSeconds(6);

    private final LocalRabbitCluster rabbit;
    private final LocalPostgres primary;
    private final Path replicaHome;
    private final LocalRedisSentinels redis;
    private LocalPostgres replica;

    ReplicatedEngines(Path home) {
        rabbit = new LocalRabbitCluster(home.resolve("rabbitmq"), 3, NET_TICKTIME);
        primary = new LocalPostgres(home.resolve("primary"));
        replicaHome = home.resolve("replica");
        redis = new LocalRedisSentinels(home.resolve("redis"));
    }

    static boolean available() {
        return LocalRabbitCluster.available() && LocalPostgres.available() && LocalRedisSentinels.available();
    }

    ReplicatedEngines start() {
        CompletableFuture<Void> broker = CompletableFuture.runAsync(rabbit::start);
        CompletableFuture<Void> cache = CompletableFuture.runAsync(redis::start);
        primary.start();
        replica = LocalPostgres.replicaOf(primary, replicaHome).start();
        CompletableFuture.allOf(broker, cache).join();
        return this;
    }

    /** What the apps are told: both PostgreSQL hosts (the writable one is used), the replica for reads, the Sentinels, all nodes. */
    Map<String, String> environment() {
        return Map.of(
                "DATABASE_URL", "postgresql://postgres@127.0.0.1:" + primary.port() + ",127.0.0.1:" + replica.port()
                        + "/postgres?target_session_attrs=read-write",
                "DATABASE_REPLICA_URL", replica.url(),
                "REDIS_URL", redis.url(),
                "REDIS_SENTINELS", redis.sentinels(),
                "REDIS_MASTER_NAME", LocalRedisSentinels.MASTER_NAME,
                "RABBITMQ_URL", rabbit.url());
    }

    LocalRabbitCluster rabbit() {
        return rabbit;
    }

    LocalPostgres primary() {
        return primary;
    }

    LocalPostgres replica() {
        return replica;
    }

    LocalRedisSentinels redis() {
        return redis;
    }

    @Override
    public void close() {
        redis.close();
        if (replica != null) {
            replica.close();
        }
        primary.close();
        rabbit.close();
    }
}
