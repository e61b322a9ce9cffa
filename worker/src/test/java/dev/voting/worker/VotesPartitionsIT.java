package dev.voting.worker;

import com.zaxxer.hikari.HikariDataSource;
import dev.voting.shared.config.Config;
import dev.voting.shared.db.Migrations;
import dev.voting.shared.db.Postgres;
import dev.voting.testkit.Services;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * V4 turns {@code votes} into a table partitioned by poll, in place: a deployed system's votes
 * survive it, and the database alone still refuses a second vote by one voter in one poll.
 */
class VotesPartitionsIT {
    private static final int POLLS = 12;

    private String schema;
    private HikariDataSource database;

    @BeforeEach
    void schemaAtV3WithVotes() throws SQLException {
        schema = "it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        Config config = Config.from(Map.of("DATABASE_URL", Services.get().databaseUrl()));
        database = Postgres.pool(new Config.Database(config.database().url(), schema, 2, null), "test-" + schema, new SimpleMeterRegistry());
        Flyway.configure().dataSource(database).schemas(schema).defaultSchema(schema)
                .locations("classpath:db/migration").target("3").load().migrate();
        execute("""
                INSERT INTO polls (title) SELECT 'poll ' || n FROM generate_series(1, %d) AS n;
                INSERT INTO candidates (poll_id, name, position) SELECT id, 'only', 1 FROM polls;
                INSERT INTO votes (id, poll_id, candidate_id, voter_id, accepted_at)
                SELECT gen_random_uuid(), c.poll_id, c.id, 'voter-' || v, now()
                  FROM candidates c, generate_series(1, 5) AS v;
                INSERT INTO rejected_votes (vote_id, poll_id, candidate_id, voter_id, reason, accepted_at)
                SELECT gen_random_uuid(), 999, 1, 'late', 'unknown_poll', now()""".formatted(POLLS));
    }

    @AfterEach
    void dropSchema() throws SQLException {
        execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        database.close();
    }

    @Test
    void theMigrationKeepsEveryVoteAndPartitionsThemByPoll() throws SQLException {
        List<String> before = rows("SELECT id || ' ' || poll_id || ' ' || candidate_id || ' ' || voter_id || ' ' || accepted_at FROM votes ORDER BY id");

        Migrations.apply(database, schema);

        assertEquals("p", text("SELECT relkind::text FROM pg_class WHERE oid = 'votes'::regclass"), "votes is a partitioned table");
        assertEquals(16, number("SELECT count(*) FROM pg_inherits WHERE inhparent = 'votes'::regclass"), "partitions of votes");
        assertEquals(before, rows("SELECT id || ' ' || poll_id || ' ' || candidate_id || ' ' || voter_id || ' ' || accepted_at FROM votes ORDER BY id"),
                "every vote survives, unchanged");
        assertEquals(1, number("SELECT count(*) FROM rejected_votes"), "rejected votes are left as they were");
        assertEquals(0, number("SELECT count(*) FROM pg_class WHERE relname LIKE 'votes_unpartitioned%' AND relnamespace = current_schema()::regnamespace"),
                "the old table is gone");
        assertTrue(number("SELECT count(DISTINCT tableoid) FROM votes") > 1, "the polls' votes are spread over partitions");
        assertEquals(1, number("""
                SELECT max(partitions) FROM (SELECT count(DISTINCT tableoid) AS partitions FROM votes GROUP BY poll_id) AS per_poll"""),
                "each poll's votes are in one partition");
    }

    @Test
    void afterTheMigrationTheDatabaseStillRefusesASecondVoteByAVoterInAPoll() throws SQLException {
        Migrations.apply(database, schema);
        long poll = number("SELECT min(id) FROM polls");
        long candidate = number("SELECT min(id) FROM candidates WHERE poll_id = " + poll);

        SQLException again = assertThrows(SQLException.class, () -> execute(
                "INSERT INTO votes (id, poll_id, candidate_id, voter_id, accepted_at) VALUES (gen_random_uuid(), %d, %d, 'voter-1', now())"
                        .formatted(poll, candidate)));
        assertEquals("23505", again.getSQLState(), again.getMessage());
        SQLException sameId = assertThrows(SQLException.class, () -> execute("""
                INSERT INTO votes (id, poll_id, candidate_id, voter_id, accepted_at)
                SELECT id, poll_id, candidate_id, 'someone else', now() FROM votes WHERE poll_id = %d LIMIT 1""".formatted(poll)));
        assertEquals("23505", sameId.getSQLState(), sameId.getMessage());

        execute("INSERT INTO votes (id, poll_id, candidate_id, voter_id, accepted_at) VALUES (gen_random_uuid(), %d, %d, 'newcomer', now())"
                .formatted(poll, candidate));
        assertEquals(6, number("SELECT count(*) FROM votes WHERE poll_id = " + poll), "a new voter's vote is taken");
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private long number(String sql) throws SQLException {
        return Long.parseLong(text(sql));
    }

    private String text(String sql) throws SQLException {
        List<String> rows = rows(sql);
        assertEquals(1, rows.size(), sql);
        return rows.getFirst();
    }

    private List<String> rows(String sql) throws SQLException {
        try (Connection connection = database.getConnection(); PreparedStatement select = connection.prepareStatement(sql);
             ResultSet rs = select.executeQuery()) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
            return rows;
        }
    }
}
