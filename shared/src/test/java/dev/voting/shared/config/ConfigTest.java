package dev.voting.shared.config;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The settings both processes share; each process's own are tested with its config. */
class ConfigTest {

    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Test
    void defaultsDescribeTheLocalServicesAndNeedNoSecret() {
        Config config = Config.from(Map.of());
        assertEquals("jdbc:postgresql://127.0.0.1:5432/test", config.database().url().jdbcUrl());
        assertEquals("postgres", config.database().url().user());
        assertEquals("votes", config.rabbit().queue());
        assertEquals("votes.dlq", config.rabbit().deadLetterQueue());
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
        assertFalse(config.describe("configuration:").contains("hunter2"), config.describe("configuration:"));
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
        assertFalse(config.describe("configuration:").contains("dbpass"), config.describe("configuration:"));
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
                "DATABASE_POOL_SIZE", "many",
                "RABBITMQ_DELIVERY_LIMIT", "0",
                "LOG_FORMAT", "xml",
                "DATABASE_URL", "mysql://x/y")));
        assertEquals(4, error.problems().size(), error.getMessage());
        assertTrue(error.getMessage().contains("DATABASE_POOL_SIZE=many: must be a whole number"), error.getMessage());
        assertTrue(error.getMessage().contains("RABBITMQ_DELIVERY_LIMIT=0: must be between 1 and 1000"), error.getMessage());
        assertTrue(error.getMessage().contains("LOG_FORMAT=xml"), error.getMessage());
        assertTrue(error.getMessage().contains("DATABASE_URL"), error.getMessage());
    }

    @Test
    void aProcessAddsItsOwnSettingsAndProblemsToTheSharedOnes() {
        Env env = new Env(env("LOG_FORMAT", "xml", "OWN_SETTING", "abc"));
        Config.read(env);
        env.integer("OWN_SETTING", 1, 1, 10);
        ConfigException error = assertThrows(ConfigException.class, env::throwIfInvalid);
        assertEquals(2, error.problems().size(), "one failure names the shared and the process's own: " + error.getMessage());
    }

    @Test
    void secretsAreMaskedInTheDescription() {
        Config config = Config.from(env("RABBITMQ_URL", "amqp://user:hunter2@rabbit:5672/",
                "DATABASE_URL", "postgresql://app:dbpass@db/test", "REDIS_URL", "redis://:redispass@redis:6379/0"));
        String described = config.describe("configuration:", "own setting") + config;
        assertFalse(described.contains("hunter2"), described);
        assertFalse(described.contains("dbpass"), described);
        assertFalse(described.contains("redispass"), described);
        assertTrue(described.contains("amqp://user:***@rabbit:5672/"), described);
        assertTrue(described.contains("\n  own setting"), described);
    }

    @Test
    void badSchemeIsRefusedWithoutEchoingThePassword() {
        ConfigException error = assertThrows(ConfigException.class, () -> Config.from(env("REDIS_URL", "http://u:topsecret@host:6379")));
        assertTrue(error.getMessage().contains("REDIS_URL"), error.getMessage());
        assertFalse(error.getMessage().contains("topsecret"), error.getMessage());
    }
}
