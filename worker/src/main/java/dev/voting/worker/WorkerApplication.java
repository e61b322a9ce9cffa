package dev.voting.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import dev.voting.shared.amqp.Amqp;
import dev.voting.shared.amqp.ConnectionHolder;
import dev.voting.shared.amqp.VoteQueue;
import dev.voting.shared.config.Config;
import dev.voting.shared.db.Postgres;
import dev.voting.shared.http.OpsServer;
import dev.voting.shared.http.Readiness;
import dev.voting.shared.http.ReadinessAnswer;
import dev.voting.shared.json.Json;
import dev.voting.shared.lifecycle.Dependency;
import dev.voting.shared.lifecycle.Shutdown;
import dev.voting.shared.lifecycle.StartupException;
import dev.voting.shared.metrics.Metrics;
import dev.voting.shared.metrics.PipelineProbe;
import dev.voting.shared.redis.CountsCache;
import dev.voting.shared.redis.RedisClients;
import dev.voting.shared.redis.RedisKeys;
import dev.voting.shared.vote.VoteCodec;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import redis.clients.jedis.UnifiedJedis;

import java.io.IOException;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The worker process, wired with {@code new}: {@code WORKER_LANES} consuming channels, each with
 * its own batch and database connection, sharing one AMQP connection, pool and Redis client.
 * Any number of workers may run at once; the database keeps them from counting a vote twice.
 */
public final class WorkerApplication implements AutoCloseable {
    private final Shutdown shutdown = new Shutdown();
    /** Read by /readyz, which answers from the moment the ops port is bound, before the lanes are all added. */
    private final List<ConsumerLane> lanes = new CopyOnWriteArrayList<>();
    private final ConnectionHolder rabbit;
    private final OpsServer ops;

    private WorkerApplication(WorkerConfig worker, CommitObserver observer) {
        Config config = worker.common();
        try {
            PrometheusMeterRegistry registry = Metrics.newRegistry("voting-worker");
            ObjectMapper mapper = Json.newMapper();
            HikariDataSource database = shutdown.register("postgresql",
                    // one connection per lane, one for readiness and one for the counts-drift check
                    Postgres.pool(withPoolSize(config.database(), worker.lanes() + 2), "worker", registry));
            UnifiedJedis redis = shutdown.register("redis", RedisClients.create(config.redis()));
            Amqp amqp = shutdown.register("amqp-threads", new Amqp(config.rabbit()));
            rabbit = shutdown.register("rabbitmq", new ConnectionHolder(amqp, "voting-worker", amqp.connectAtStartup("voting-worker")));
            VoteQueue.declareAtStartup(rabbit, amqp, config.rabbit());
            Readiness readiness = new Readiness(Map.of(
                    // a lane holding a batch PostgreSQL does not take (outage, read-only, permissions) is not ready either
                    Dependency.POSTGRESQL, () -> lanes.stream().noneMatch(ConsumerLane::isHoldingWrites) && isValid(database),
                    Dependency.REDIS, () -> "PONG".equals(redis.ping()),
                    Dependency.RABBITMQ, () -> lanes.stream().anyMatch(ConsumerLane::isConsuming)), Duration.ofSeconds(2));
            // Bound before any lane consumes: a taken port stops the start before a single vote is taken off the queue.
            ops = shutdown.register("ops-server", new OpsServer(OpsServer.ANY_HOST, worker.metricsPort(), registry,
                    new ReadinessAnswer(readiness, Set.of(), ""), mapper));

            WorkerMetrics metrics = new WorkerMetrics(registry);
            VoteWriter writer = new VoteWriter(database);
            LiveCounts liveCounts = new LiveCounts(redis, new RedisKeys(config.redis().keyPrefix()));
            LaneServices services = new LaneServices(new VoteCodec(mapper), writer, liveCounts, observer, metrics);
            LaneSettings settings = LaneSettings.of(config.rabbit(), worker);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < worker.lanes(); i++) {
                ConsumerLane lane = new ConsumerLane(i, rabbit, settings, services);
                lanes.add(lane);
                // A platform thread: the batch timer and the JDBC and Redis socket reads then cost no virtual-thread timer each.
                threads.add(Thread.ofPlatform().name("lane-" + i).start(lane));
            }
            // Closed before the clients they use: stop consuming, finish and ack the batches in hand.
            shutdown.register("lanes", () -> {
                lanes.forEach(ConsumerLane::stop);
                for (Thread thread : threads) {
                    thread.join(Duration.ofSeconds(10));
                }
            }, Duration.ofSeconds(12));

            RedisClients.monitor(redis, registry);
            shutdown.register("pipeline-probe", new PipelineProbe(rabbit, config.rabbit(), readiness, registry, Duration.ofSeconds(5)));
            shutdown.register("counts-drift", new CountsDrift(database, redis,
                    new CountsCache(new RedisKeys(config.redis().keyPrefix())), registry, Duration.ofSeconds(30)).start());
        } catch (IOException e) {
            shutdown.close();
            throw new StartupException("cannot open the metrics port " + worker.metricsPort() + " (" + e.getMessage()
                    + "); set WORKER_METRICS_PORT to a free port, one per worker on a machine (0 picks one)", e);
        } catch (RuntimeException e) {
            shutdown.close();
            throw e;
        }
    }

    public static WorkerApplication start(WorkerConfig config) {
        return new WorkerApplication(config, CommitObserver.NONE);
    }

    /** A worker whose {@code observer} hears of every commit before Redis and the acks (fault tests). */
    public static WorkerApplication start(WorkerConfig config, CommitObserver observer) {
        return new WorkerApplication(config, observer);
    }

    public int metricsPort() {
        return ops.port();
    }

    /** Drops the broker connection as a crash would: unacked messages go back to the queue. */
    public void abortBrokerConnection() {
        rabbit.abort();
    }

    @Override
    public void close() {
        shutdown.close();
    }

    private static Config.Database withPoolSize(Config.Database database, int size) {
        return new Config.Database(database.url(), database.schema(), Math.max(size, 2));
    }

    private static boolean isValid(HikariDataSource database) throws Exception {
        try (Connection connection = database.getConnection()) {
            return connection.isValid(1);
        }
    }
}
