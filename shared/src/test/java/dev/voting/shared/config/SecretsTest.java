package dev.voting.shared.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Every form a URL can carry a password in comes out of {@link Secrets#maskUrl} without it. */
class SecretsTest {
    private static final String PASSWORD = "s3cr3t-Pa55";

    @Test
    void everyUrlFormIsLoggedWithoutItsPassword() {
        Map<String, String> expected = Map.ofEntries(
                Map.entry("amqp://voting:" + PASSWORD + "@rabbit:5672/", "amqp://voting:***@rabbit:5672/"),
                Map.entry("redis://:" + PASSWORD + "@redis:6379/0", "redis://:***@redis:6379/0"),
                Map.entry("postgresql://app:" + PASSWORD + "@db:5432/votes?sslmode=require",
                        "postgresql://app:***@db:5432/votes?sslmode=require"),
                Map.entry("postgresql://app:p@ss" + PASSWORD + "@db/votes", "postgresql://app:***@db/votes"),
                Map.entry("jdbc:postgresql://db:5432/votes?user=app&password=" + PASSWORD,
                        "jdbc:postgresql://db:5432/votes?user=app&password=***"),
                Map.entry("jdbc:postgresql://db/votes?password=" + PASSWORD + "&ssl=true",
                        "jdbc:postgresql://db/votes?password=***&ssl=true"),
                Map.entry("jdbc:postgresql://db/votes?sslmode=verify-full&sslpassword=" + PASSWORD,
                        "jdbc:postgresql://db/votes?sslmode=verify-full&sslpassword=***"),
                Map.entry("jdbc:sqlserver://db;user=app;pwd=" + PASSWORD, "jdbc:sqlserver://db;user=app;pwd=***"),
                Map.entry("https://hooks.example/notify?PASSWORD=" + PASSWORD + "#x", "https://hooks.example/notify?PASSWORD=***#x"),
                Map.entry("https://api.example/v1?access_token=" + PASSWORD, "https://api.example/v1?access_token=***"),
                Map.entry("postgresql://app@db:5432/votes", "postgresql://app@db:5432/votes"),
                Map.entry("jdbc:postgresql://db:5432/votes?user=app", "jdbc:postgresql://db:5432/votes?user=app"));
        expected.forEach((url, masked) -> {
            assertEquals(masked, Secrets.maskUrl(url), url);
            assertFalse(Secrets.maskUrl(url).contains(PASSWORD), url);
        });
    }

    @Test
    void aDatabaseUrlLogsWithoutItsPasswordInEitherForm() {
        DatabaseUrl libpq = DatabaseUrl.parse("postgresql://app:" + PASSWORD + "@db:5432/votes?sslpassword=" + PASSWORD);
        DatabaseUrl jdbc = DatabaseUrl.parse("jdbc:postgresql://db:5432/votes?user=app&password=" + PASSWORD);
        assertFalse(libpq.toString().contains(PASSWORD), libpq.toString());
        assertFalse(jdbc.toString().contains(PASSWORD), jdbc.toString());
        assertEquals(PASSWORD, libpq.password(), "the driver still gets it");
    }

    @Test
    void aBadUrlIsReportedWithoutItsPassword() {
        ConfigException error = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, () -> Config.from(Map.of(
                "DATABASE_URL", "mysql://app:" + PASSWORD + "@db/votes",
                "RABBITMQ_URL", "http://voting:" + PASSWORD + "@rabbit:5672/",
                "REDIS_URL", "redis://:" + PASSWORD + "@/0")));
        assertFalse(error.getMessage().contains(PASSWORD), error.getMessage());
    }

    @Test
    void aSecretIsShownOnlyByItsLength() {
        assertEquals("*** (11 chars)", Secrets.mask(PASSWORD));
        assertEquals("(unset)", Secrets.mask(""));
    }
}
