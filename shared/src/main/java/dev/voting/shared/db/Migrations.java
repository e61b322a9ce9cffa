package dev.voting.shared.db;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

import javax.sql.DataSource;

/** Applies the schema in {@code sql/} (shipped in the jar as {@code db/migration}). */
public final class Migrations {
    private Migrations() {
    }

    public static MigrateResult apply(DataSource dataSource, String schema) {
        return Flyway.configure()
                .dataSource(dataSource)
                .schemas(schema)
                .defaultSchema(schema)
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }
}
