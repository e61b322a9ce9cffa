package dev.voting.shared.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import dev.voting.shared.config.Config;
import dev.voting.shared.lifecycle.Dependency;
import dev.voting.shared.lifecycle.StartupException;
import io.micrometer.core.instrument.MeterRegistry;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/** The PostgreSQL connection pool both processes use, and the rules for which SQL errors are worth a retry. */
public final class Postgres {
    private Postgres() {
    }

    public static HikariDataSource pool(Config.Database config, String name, MeterRegistry registry) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName(name);
        hikari.setJdbcUrl(config.url().jdbcUrl());
        if (config.url().user() != null) {
            hikari.setUsername(config.url().user());
        }
        if (config.url().password() != null) {
            hikari.setPassword(config.url().password());
        }
        hikari.setSchema(config.schema());
        hikari.setMaximumPoolSize(config.poolSize());
        hikari.setConnectionTimeout(5_000);
        hikari.setValidationTimeout(2_000);
        hikari.setInitializationFailTimeout(10_000);
        hikari.addDataSourceProperty("tcpKeepAlive", "true");
        hikari.addDataSourceProperty("ApplicationName", name);
        hikari.setMetricRegistry(registry);
        try {
            return new HikariDataSource(hikari);
        } catch (HikariPool.PoolInitializationException e) {
            throw new StartupException(Dependency.POSTGRESQL.unreachable(config.url().toString(), e), e);
        }
    }

    /**
     * True when PostgreSQL refused the rows themselves: a data exception (class 22, e.g. a value out
     * of range or a byte text cannot hold) or an integrity constraint violation (class 23: CHECK,
     * NOT NULL, unique, foreign key). The same rows fail again however often they are written. Every
     * other failure (read-only after a failover 25006, permission 42501, a plan cached before a
     * migration 0A000, a missing table 42P01, an unknown or missing SQLSTATE) blames the database or
     * the code, not the data, and the same rows may well succeed later.
     */
    public static boolean isDataError(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("22") || state.startsWith("23"));
    }

    /**
     * True for failures that say "try again later" (connection lost, server shutting down, deadlock,
     * pool exhausted) rather than "this data is wrong".
     */
    public static boolean isTransient(SQLException e) {
        if (e instanceof SQLTransientException || e instanceof SQLRecoverableException) {
            return true;
        }
        String state = e.getSQLState();
        if (state == null) {
            return true;  // no server verdict: the connection failed before one arrived
        }
        return state.startsWith("08")      // connection exception
                || state.startsWith("40")  // serialization failure, deadlock
                || state.startsWith("53")  // insufficient resources
                || state.startsWith("57")  // operator intervention: admin shutdown, crash recovery
                || state.startsWith("58"); // system error (I/O)
    }
}
