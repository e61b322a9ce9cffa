package dev.voting.worker;

import dev.voting.shared.redis.CountsCache;
import dev.voting.shared.redis.RedisKeys;
import dev.voting.testkit.Isolated;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** counts_drift_votes against real PostgreSQL and Redis: lag within one interval is not drift; anything else is. */
class CountsDriftIT {
    private Isolated env;
    private SimpleMeterRegistry registry;
    private CountsDrift drift;
    private CountsCache cache;
    private long pollId;
    private long candidateId;

    @BeforeEach
    void start() throws SQLException {
        env = Isolated.create();
        registry = new SimpleMeterRegistry();
        cache = new CountsCache(new RedisKeys(env.config().redis().keyPrefix()));
        drift = new CountsDrift(env.database(), env.redis(), cache, registry, Duration.ofSeconds(30));
        try (Connection connection = env.database().getConnection()) {
            pollId = insert(connection, "INSERT INTO polls (title) VALUES ('drift') RETURNING id");
            candidateId = insert(connection, "INSERT INTO candidates (poll_id, name, position) VALUES (" + pollId + ", 'A', 0) RETURNING id");
            insert(connection, "INSERT INTO candidate_counts (candidate_id, poll_id, votes) VALUES (" + candidateId + ", " + pollId
                    + ", 5) RETURNING votes");
        }
    }

    @AfterEach
    void stop() {
        env.close();
    }

    @Test
    void redisThatKeepsUpIsNoDriftButRedisLeftBehindOrAheadIs() throws SQLException {
        assertEquals(0, drift.check(), "a poll seen for the first time is compared from the next round on");
        cache.raise(env.redis(), pollId, Map.of(candidateId, 5L));
        assertEquals(0, drift.check());

        setCount(8);
        assertEquals(0, drift.check(), "Redis may lag PostgreSQL within one interval");
        assertEquals(3, drift.check(), "three votes PostgreSQL had a round ago are still missing in Redis");
        assertEquals(3.0, registry.get("counts.drift").gauge().value());

        cache.raise(env.redis(), pollId, Map.of(candidateId, 10L));
        assertEquals(2, drift.check(), "Redis counts two votes PostgreSQL never had");

        env.redis().del(env.config().redis().keyPrefix() + "counts:" + pollId);
        assertEquals(0, drift.check(), "an empty cache is allowed: readers fill it from PostgreSQL");
        cache.raise(env.redis(), pollId, Map.of(candidateId, 8L));
        assertEquals(0, drift.check());
        assertEquals(0.0, registry.get("counts.drift").gauge().value());
    }

    private void setCount(long votes) throws SQLException {
        try (Connection connection = env.database().getConnection();
             PreparedStatement update = connection.prepareStatement("UPDATE candidate_counts SET votes = ? WHERE candidate_id = ?")) {
            update.setLong(1, votes);
            update.setLong(2, candidateId);
            update.executeUpdate();
        }
    }

    private static long insert(Connection connection, String sql) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql); ResultSet rs = statement.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
