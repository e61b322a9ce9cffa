package dev.voting.shared.db;

import dev.voting.shared.lifecycle.Dependency;
import dev.voting.shared.lifecycle.UnavailableException;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Runs one unit of JDBC work on a pooled connection and sorts its failures: transient ones become
 * {@link UnavailableException} (503 at the API), the rest are bugs and stay loud.
 */
public final class Jdbc {
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private final DataSource dataSource;

    public Jdbc(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public <T> T read(Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    /** Runs {@code work} in one transaction, committed when it returns and rolled back when it throws. */
    public <T> T inTransaction(Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            return inTransaction(connection, work);
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    /**
     * Runs {@code work} in one transaction on {@code connection}, for a caller that sorts the
     * SQLException itself (the worker); the connection is in autocommit again afterwards, as the pool lent it.
     */
    public static <T> T inTransaction(Connection connection, Work<T> work) throws SQLException {
        connection.setAutoCommit(false);
        try {
            T result = work.run(connection);
            connection.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    private static RuntimeException translate(SQLException e) {
        if (Postgres.isTransient(e)) {
            return new UnavailableException(Dependency.POSTGRESQL, e.getMessage(), e);
        }
        return new IllegalStateException("SQL failed: " + e.getMessage(), e);
    }
}
