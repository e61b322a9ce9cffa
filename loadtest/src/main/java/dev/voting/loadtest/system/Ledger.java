package dev.voting.loadtest.system;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.zaxxer.hikari.HikariDataSource;
import dev.voting.shared.amqp.Amqp;
import dev.voting.shared.config.Config;
import dev.voting.shared.db.Postgres;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;

/**
 * What the system has really done, read from PostgreSQL (the source of truth) and RabbitMQ: votes
 * counted for a poll, the rows behind the counts, the queue's depth and consumers. Every load run
 * ends with these numbers, never with the load client's view alone.
 */
public final class Ledger implements AutoCloseable {
    /** The per-candidate view of one poll, read in one statement: vote rows, and the counts raised with them (G3). */
    public record Exactness(Map<Long, Long> rows, Map<Long, Long> counts) {
        public long total() {
            return rows.values().stream().mapToLong(Long::longValue).sum();
        }

        public boolean countsMatchRows() {
            return rows.equals(counts);
        }
    }

    /** How waiting for the queue to drain ended: the count then, and when it last rose (epoch ms). */
    public record Drained(long counted, long lastRiseAt, boolean reachedExpected) {
    }

    private static final Duration SETTLE = Duration.ofSeconds(1);

    private final Config config;
    private final HikariDataSource database;
    private final Amqp amqp;
    private final Connection rabbit;

    public Ledger(Config config) {
        this.config = config;
        this.database = Postgres.pool(new Config.Database(config.database().url(), config.database().schema(), 2),
                "loadtest-ledger", new SimpleMeterRegistry());
        this.amqp = new Amqp(config.rabbit());
        this.rabbit = amqp.connectAtStartup("loadtest-ledger");
    }

    /** Votes counted for the poll: the sum of its candidate counts (one small read, cheap to poll). */
    public long counted(long pollId) {
        return queryLong("SELECT coalesce(sum(votes), 0) FROM candidate_counts WHERE poll_id = ?", pollId);
    }

    /** Bytes PostgreSQL has written to its WAL since it was created: the difference of two reads is what was written between them. */
    public long walPosition() {
        return queryLong("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint");
    }

    public Exactness exactness(long pollId) {
        // one statement, one snapshot: a commit landing between two reads cannot make rows and counts differ
        String sql = """
                SELECT c.id, (SELECT count(*) FROM votes v WHERE v.candidate_id = c.id), coalesce(cc.votes, 0)
                  FROM candidates c LEFT JOIN candidate_counts cc ON cc.candidate_id = c.id
                 WHERE c.poll_id = ?""";
        try (var connection = database.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, pollId);
            Map<Long, Long> rows = new TreeMap<>();
            Map<Long, Long> counts = new TreeMap<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getLong(1), rs.getLong(2));
                    counts.put(rs.getLong(1), rs.getLong(3));
                }
            }
            return new Exactness(rows, counts);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read PostgreSQL: " + e.getMessage(), e);
        }
    }

    /** Messages ready in the vote queue (not those delivered and awaiting an ack). */
    public long queueDepth() {
        return declarePassive().getMessageCount();
    }

    public long consumers() {
        return declarePassive().getConsumerCount();
    }

    /**
     * Waits until at least {@code expected} votes are counted, the queue is empty and the count has
     * stood still for a second (stragglers land); or until nothing has been counted for {@code idle}
     * while the queue is empty (votes lost or never sent); or {@code bound}.
     */
    public Drained awaitCounted(long pollId, long expected, Duration idle, Duration bound) {
        long start = System.currentTimeMillis();
        long last = -1;
        long lastRiseAt = start;
        while (true) {
            long counted = counted(pollId);
            long now = System.currentTimeMillis();
            if (counted != last) {
                last = counted;
                lastRiseAt = now;
            }
            boolean empty = queueDepth() == 0;
            if (counted >= expected && empty && now - lastRiseAt >= SETTLE.toMillis()) {
                return new Drained(counted, lastRiseAt, true);
            }
            if ((empty && now - lastRiseAt > idle.toMillis()) || now - start > bound.toMillis()) {
                return new Drained(counted, lastRiseAt, false);
            }
            SystemUnderTest.sleep(100);
        }
    }

    private AMQP.Queue.DeclareOk declarePassive() {
        try (Channel channel = rabbit.createChannel()) {
            return channel.queueDeclarePassive(config.rabbit().queue());
        } catch (IOException | TimeoutException e) {
            throw new IllegalStateException("cannot read the queue " + config.rabbit().queue() + ": " + e.getMessage(), e);
        }
    }

    private long queryLong(String sql, long... parameters) {
        try (var connection = database.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setLong(i + 1, parameters[i]);
            }
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read PostgreSQL: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            rabbit.close();
        } catch (IOException | RuntimeException e) {
            rabbit.abort();
        }
        amqp.close();
        database.close();
    }
}
