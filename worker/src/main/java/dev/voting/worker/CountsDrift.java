package dev.voting.worker;

import dev.voting.shared.redis.CountsCache;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Watches that Redis's live counts converge to PostgreSQL's (G4) and exports the gap as
 * {@code counts_drift_votes}, for polls open now or closed within the hour.
 *
 * <p>Redis is written after the commit, so at any instant it may be a little behind; that is not
 * drift. Each round reads Redis first, then PostgreSQL, and counts two things: votes Redis has
 * that PostgreSQL does not (never legitimate), and votes PostgreSQL had one round earlier that
 * Redis still lacks (Redis had a whole interval to catch up). A poll Redis has no hash for is not
 * counted: the cache is allowed to be empty, and readers fill it from PostgreSQL.
 */
final class CountsDrift implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CountsDrift.class);
    private static final String RECENT_COUNTS = """
            SELECT cc.poll_id, cc.candidate_id, cc.votes
              FROM candidate_counts cc
             WHERE cc.poll_id IN (SELECT id FROM polls
                                   WHERE coalesce(closed_at, closes_at, 'infinity') > now() - interval '1 hour'
                                   ORDER BY id DESC LIMIT ?)""";
    static final int MAX_POLLS = 200;

    private final DataSource database;
    private final UnifiedJedis redis;
    private final CountsCache cache;
    private final AtomicLong drift = new AtomicLong(-1);
    private final Duration interval;
    private Map<Long, Map<Long, Long>> previous = Map.of();
    private Thread thread;

    CountsDrift(DataSource database, UnifiedJedis redis, CountsCache cache, MeterRegistry registry, Duration interval) {
        this.database = database;
        this.redis = redis;
        this.cache = cache;
        this.interval = interval;
        Gauge.builder("counts.drift", drift, d -> d.get() < 0 ? Double.NaN : d.get()).baseUnit("votes")
                .description("Votes by which Redis's live counts differ from PostgreSQL's beyond one check interval")
                .register(registry);
    }

    CountsDrift start() {
        thread = Thread.ofVirtual().name("counts-drift").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    check();
                    Thread.sleep(interval);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        return this;
    }

    /** One round; returns the drift it found, or -1 when PostgreSQL or Redis could not be read. */
    long check() {
        try {
            // Redis first, then PostgreSQL: a count that Redis has and PostgreSQL lacks cannot be a race then.
            // Polls seen for the first time are compared from the next round on.
            Map<Long, Map<Long, Long>> cached = new HashMap<>();
            for (Long poll : previous.keySet()) {
                cached.put(poll, cache.read(redis, poll));
            }
            Map<Long, Map<Long, Long>> counts = read();
            long gap = 0;
            for (Map.Entry<Long, Map<Long, Long>> poll : cached.entrySet()) {
                Map<Long, Long> now = counts.get(poll.getKey());
                if (poll.getValue().isEmpty() || now == null) {
                    continue;
                }
                Map<Long, Long> before = previous.get(poll.getKey());
                for (Map.Entry<Long, Long> candidate : now.entrySet()) {
                    long inRedis = poll.getValue().getOrDefault(candidate.getKey(), 0L);
                    gap += Math.max(0, inRedis - candidate.getValue());
                    gap += Math.max(0, before.getOrDefault(candidate.getKey(), 0L) - inRedis);
                }
            }
            previous = counts;
            drift.set(gap);
            if (gap > 0) {
                log.warn("Redis live counts differ from PostgreSQL by {} votes beyond {} s", gap, interval.toSeconds());
            }
            return gap;
        } catch (SQLException | RuntimeException e) {
            drift.set(-1);
            log.debug("counts drift check failed: {}", e.toString());
            return -1;
        }
    }

    private Map<Long, Map<Long, Long>> read() throws SQLException {
        Map<Long, Map<Long, Long>> counts = new HashMap<>();
        try (Connection connection = database.getConnection(); PreparedStatement select = connection.prepareStatement(RECENT_COUNTS)) {
            select.setInt(1, MAX_POLLS);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    counts.computeIfAbsent(rs.getLong(1), poll -> new HashMap<>()).put(rs.getLong(2), rs.getLong(3));
                }
            }
        }
        return counts;
    }

    @Override
    public void close() throws InterruptedException {
        if (thread != null) {
            thread.interrupt();
            thread.join(Duration.ofSeconds(5));
        }
    }
}
