package dev.voting.api.app;

import com.zaxxer.hikari.HikariDataSource;
import dev.voting.api.poll.NewPoll;
import dev.voting.api.poll.Poll;
import dev.voting.api.poll.PollRepository;
import dev.voting.shared.config.Config;
import dev.voting.shared.db.Jdbc;
import dev.voting.shared.db.Migrations;
import dev.voting.shared.db.Postgres;
import dev.voting.shared.lifecycle.Launch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;

/**
 * {@code make migrate}: applies the schema. With {@code --demo}, also creates a demo poll when the
 * database has none, so that a newcomer can vote at once.
 */
public final class Migrate {
    private static final Logger log = LoggerFactory.getLogger(Migrate.class);

    private Migrate() {
    }

    public static void main(String[] args) {
        Launch.orExit(log, () -> {
            Config config = Config.fromEnvironment();
            try (HikariDataSource database = Postgres.pool(config.database(), "migrate", new SimpleMeterRegistry())) {
                var result = Migrations.apply(database, config.database().schema());
                log.info("schema {} is at version {} ({} migrations applied now)", config.database().schema(),
                        result.targetSchemaVersion == null ? "current" : result.targetSchemaVersion, result.migrationsExecuted);
                if (List.of(args).contains("--demo")) {
                    PollRepository polls = new PollRepository(new Jdbc(database));
                    if (polls.list(false, Instant.now(), null, 1).isEmpty()) {
                        Poll demo = polls.create(new NewPoll(
                                "Which language should the next project use?",
                                List.of(new NewPoll.NewCandidate("Java"), new NewPoll.NewCandidate("Kotlin"),
                                        new NewPoll.NewCandidate("Go"), new NewPoll.NewCandidate("Rust")),
                                null).validate(Instant.now()));
                        log.info("created demo poll {} with candidates {}", demo.id(), demo.candidates());
                    }
                }
            }
        });
    }
}
