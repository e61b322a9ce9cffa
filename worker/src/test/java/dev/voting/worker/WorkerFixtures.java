package dev.voting.worker;

import dev.voting.testkit.Isolated;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.fail;

/** What the worker's ITs share: a poll written straight to PostgreSQL, and waiting for a condition. */
final class WorkerFixtures {
    private WorkerFixtures() {
    }

    /** A poll with one candidate (and its count row), as the API would create it; returns its id. */
    static long onePoll(Isolated env, String title) throws SQLException {
        try (var connection = env.database().getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO polls (title) VALUES (?) RETURNING id")) {
            insert.setString(1, title);
            try (ResultSet rs = insert.executeQuery()) {
                rs.next();
                long id = rs.getLong(1);
                try (PreparedStatement candidate = connection.prepareStatement(
                        "WITH c AS (INSERT INTO candidates (poll_id, name, position) VALUES (?, 'only', 1) RETURNING id, poll_id) "
                                + "INSERT INTO candidate_counts (candidate_id, poll_id) SELECT id, poll_id FROM c")) {
                    candidate.setLong(1, id);
                    candidate.executeUpdate();
                }
                return id;
            }
        }
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(100);
        }
        fail("condition not met within 20 s");
    }
}
