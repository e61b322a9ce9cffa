package dev.voting.shared.db;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PostgresTest {

    @Test
    void onlyDataExceptionsAndConstraintViolationsBlameTheData() {
        for (String state : new String[] {"22021", "22008", "22001", "22P02", "23514", "23505", "23502", "23503"}) {
            assertTrue(Postgres.isDataError(new SQLException("refused", state)), state);
        }
        for (String state : new String[] {"25006", "42501", "0A000", "42P01", "42804", "P0001", "XX000", "08006", "40001", "57P01",
                "53300", "54000"}) {
            assertFalse(Postgres.isDataError(new SQLException("refused", state)), state);
        }
        assertFalse(Postgres.isDataError(new SQLException("no verdict")), "no SQLSTATE says nothing against the data");
        assertFalse(Postgres.isDataError(new SQLTransientConnectionException("pool exhausted")));
    }
}
