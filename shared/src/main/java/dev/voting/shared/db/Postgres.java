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

/** The PostgreSQL connection pool both processes use, and the rule for which SQL errors are worth a retry. */
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
