package dev.voting.shared.config;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigTest {
    private static final String SECRET = "a-secret-of-more-than-32-bytes-000000";

    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>(Map.of("JWT_SECRET_KEY", SECRET));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Test
    void defaultsDescribeTheLocalServices() {
        Config config = Config.from(env());
        assertEquals("jdbc:postgresql://127.0.0.1:5432/test", config.database().url().jdbcUrl());
        assertEquals("postgres", config.database().url().user());
        assertEquals("votes", config.rabbit().queue());
        assertEquals("votes.dlq", config.rabbit().deadLetterQueue());
        assertEquals(8000, config.http().port());
        assertEquals(Duration.ofSeconds(2), config.votes().resultsCacheTtl());
        assertEquals("HS256", config.jwt().algorithm());
        assertEquals("text", config.logFormat());
    }

    @Test
    void libpqUrlBecomesJdbcWithDecodedCredentials() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://vote%40r:p%3Ass@db.internal:6543/polls?sslmode=require");
        assertEquals("jdbc:postgresql://db.internal:6543/polls?sslmode=require", url.jdbcUrl());
        assertEquals("vote@r", url.user());
        assertEquals("p:ss", url.password());
        assertFalse(url.toString().contains("p:ss"), "the password never reaches logs");
    }

    @Test
    void rabbitMqUrlMayNameEveryNodeOfACluster() {
        Config config = Config.from(env("RABBITMQ_URL", "amqp://user:hunter2@10.0.0.1:5672,10.0.0.2:5673, rabbit-3/votes?heartbeat=5"));
        assertEquals(List.of(URI.create("amqp://user:hunter2@10.0.0.1:5672/votes?heartbeat=5"),
                        URI.create("amqp://user:hunter2@10.0.0.2:5673/votes?heartbeat=5"),
                        URI.create("amqp://user:hunter2@rabbit-3/votes?heartbeat=5")),
                config.rabbit().url().nodes());
        assertEquals("10.0.0.1", config.rabbit().uri().getHost());
        assertFalse(config.describe().contains("hunter2"), config.describe());
    }

    @Test
    void rabbitMqUrlWithAnEmptyNodeIsRefused() {
        ConfigException error = assertThrows(ConfigException.class, () -> Config.from(env("RABBITMQ_URL", "amqp://h1:5672,/")));
        assertTrue(error.getMessage().contains("RABBITMQ_URL"), error.getMessage());
    }

    @Test
    void libpqUrlWithSeveralHostsConnectsToThePrimary() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://app:pw@10.0.0.1:5433,db-2/votes?sslmode=require");
        assertEquals("jdbc:postgresql://10.0.0.1:5433,db-2:5432/votes?sslmode=require&targetServerType=primary", url.jdbcUrl());
        assertEquals("app", url.user());
        assertEquals("pw", url.password());
    }

    @Test
    void libpqTargetSessionAttrsBecomesTheDriversTargetServerType() {
        assertEquals("jdbc:postgresql://a:5432,b:5432/test?targetServerType=preferSecondary",
                DatabaseUrl.parse("postgresql://a,b/test?target_session_attrs=prefer-standby").jdbcUrl());
        assertEquals("jdbc:postgresql://a:5432/test?targetServerType=primary",
                DatabaseUrl.parse("postgresql://a/test?target_session_attrs=read-write").jdbcUrl());
        assertThrows(IllegalArgumentException.class, () -> DatabaseUrl.parse("postgresql://a,b/test?target_session_attrs=whatever"));
        assertThrows(IllegalArgumentException.class, () -> DatabaseUrl.parse("postgresql://a,/test"));
    }

    @Test
    void replicaUrlIsOptionalAndMasked() {
        assertNull(Config.from(env()).database().replicaUrl());
        Config config = Config.from(env("DATABASE_REPLICA_URL", "postgresql://app:dbpass@standby:5433/test"));
        assertEquals("jdbc:postgresql://standby:5433/test", config.database().replica().url().jdbcUrl());
        assertEquals(config.database().schema(), config.database().replica().schema());
        assertFalse(config.describe().contains("dbpass"), config.describe());
    }

    @Test
    void jdbcUrlIsTakenAsItIs() {
        DatabaseUrl url = DatabaseUrl.parse("jdbc:postgresql://localhost/test?user=x");
        assertEquals("jdbc:postgresql://localhost/test?user=x", url.jdbcUrl());
        assertNull(url.user());
    }

    @Test
    void everyBadVariableIsNamedAtOnce() {
        ConfigException error = assertThrows(ConfigException.class, () -> Config.from(env(
                "API_PORT", "eighty",
                "WORKER_BATCH_SIZE", "0",
                "LOG_FORMAT", "xml",
                "DATABASE_URL", "mysql://x/y")));
        assertEquals(4, error.problems().size(), error.getMessage());
        assertTrue(error.getMessage().contains("API_PORT=eighty: must be a whole number"), error.getMessage());
        assertTrue(error.getMessage().contains("WORKER_BATCH_SIZE=0: must be between 1 and 50000"), error.getMessage());
        assertTrue(error.getMessage().contains("LOG_FORMAT=xml"), error.getMessage());
        assertTrue(error.getMessage().contains("DATABASE_URL"), error.getMessage());
    }

    @Test
    void aCloseTakesEffectOnlyAfterEveryApiCouldHaveSeenIt() {
        Config.Votes defaults = Config.from(env()).votes();
        assertEquals(Duration.ofSeconds(5), defaults.pollCloseDelay());
        assertEquals(Duration.ofMillis(1000), defaults.maxClockSkew());
        assertEquals(Duration.ofSeconds(3), Config.from(env("POLL_CLOSE_DELAY_SECONDS", "3")).votes().pollCloseDelay(),
                "2 s of cache and 1 s of skew: 3 s is enough");
        ConfigException error = assertThrows(ConfigException.class, () -> Config.from(env("POLL_CACHE_TTL_SECONDS", "5")));
        assertTrue(error.getMessage().contains("POLL_CLOSE_DELAY_SECONDS: must be at least POLL_CACHE_TTL_SECONDS + MAX_CLOCK_SKEW_MS"
                + " (5 s + 1000 ms)"), error.getMessage());
        assertTrue(error.getMessage().contains("it is 5 s"), error.getMessage());
    }

    @Test
    void shortHmacSecretRefusesToStart() {
        ConfigException error = assertThrows(ConfigException.class, () -> Config.from(env("JWT_SECRET_KEY", "too-short")));
        assertTrue(error.getMessage().contains("JWT_SECRET_KEY: HS256 needs a secret of at least 32 bytes (it has 9)"), error.getMessage());
        assertThrows(ConfigException.class, () -> Config.from(Map.of()), "no secret at all");
    }

    @Test
    void asymmetricAlgorithmsNeedAPublicKey() {
        ConfigException error = assertThrows(ConfigException.class, () -> Config.from(env("JWT_ALGORITHM", "RS256")));
        assertTrue(error.getMessage().contains("JWT_PUBLIC_KEY"), error.getMessage());
        assertThrows(ConfigException.class, () -> Config.from(env("JWT_ALGORITHM", "none")));
    }

    @Test
    void secretsAreMaskedInTheDescription() {
        Config config = Config.from(env("RABBITMQ_URL", "amqp://user:hunter2@rabbit:5672/",
                "DATABASE_URL", "postgresql://app:dbpass@db/test"));
        String described = config.describe() + config;
        assertFalse(described.contains(SECRET), described);
        assertFalse(described.contains("hunter2"), described);
        assertFalse(described.contains("dbpass"), described);
        assertTrue(described.contains("amqp://user:***@rabbit:5672/"), described);
    }

    @Test
    void badSchemeIsRefusedWithoutEchoingThePassword() {
        ConfigException error = assertThrows(ConfigException.class, () -> Config.from(env("REDIS_URL", "http://u:topsecret@host:6379")));
        assertTrue(error.getMessage().contains("REDIS_URL"), error.getMessage());
        assertFalse(error.getMessage().contains("topsecret"), error.getMessage());
    }
}
