package dev.voting.api;

import dev.voting.api.client.ClientAddresses;
import dev.voting.shared.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApiConfigTest {
    private static final String SECRET = "a-secret-of-more-than-32-bytes-000000";
    private static final String EXAMPLE_SECRET = "dev-only-secret-change-me-0123456789abcdef";

    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>(Map.of("JWT_SECRET_KEY", SECRET));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Test
    void defaultsAreSafeForAPublicDeployment() {
        ApiConfig config = ApiConfig.from(env());
        assertEquals(8000, config.http().port());
        assertEquals(9101, config.http().metricsPort(), "metrics are off the public port");
        assertEquals(5, config.http().maxReadSeconds());
        assertEquals(Duration.ofSeconds(2), config.votes().resultsCacheTtl());
        assertEquals(ApiConfig.JwtAlgorithm.HS256, config.jwt().algorithm());
        assertEquals(100, config.clients().maxRequests());
        assertEquals(50, config.clients().maxViewers());
        assertTrue(config.clients().trustedProxies().isEmpty(), "no forwarding header is believed unless configured");
        assertEquals("jdbc:postgresql://127.0.0.1:5432/test", config.common().database().url().jdbcUrl());
    }

    @Test
    void trustedProxiesAreCidrRangesAndTheHeaderIsOneOfTwo() {
        ApiConfig config = ApiConfig.from(env("TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.7 ,2001:db8::/32",
                "TRUSTED_PROXY_HEADER", "forwarded"));
        assertEquals("[10.0.0.0/8, 192.168.1.7/32, 2001:db8:0:0:0:0:0:0/32]", config.clients().trustedProxies().toString());
        assertEquals(ClientAddresses.Header.FORWARDED, config.clients().proxyHeader());
        ConfigException error = assertThrows(ConfigException.class, () -> ApiConfig.from(env(
                "TRUSTED_PROXIES", "10.0.0.0/33,proxy.internal", "TRUSTED_PROXY_HEADER", "X-Real-IP")));
        assertEquals(2, error.problems().size(), error.getMessage());
        assertTrue(error.getMessage().contains("TRUSTED_PROXIES"), error.getMessage());
        assertTrue(error.getMessage().contains("TRUSTED_PROXY_HEADER=X-Real-IP: must be X-Forwarded-For or Forwarded"),
                error.getMessage());
    }

    @Test
    void theExampleSecretServesOnlyLoopback() {
        for (String host : new String[] {"0.0.0.0", "::", "10.1.2.3", "api.example.org"}) {
            ConfigException error = assertThrows(ConfigException.class,
                    () -> ApiConfig.from(env("JWT_SECRET_KEY", EXAMPLE_SECRET, "API_HOST", host)), host);
            assertTrue(error.getMessage().contains("JWT_SECRET_KEY: is an example published with the project"), error.getMessage());
            assertFalse(error.getMessage().contains(EXAMPLE_SECRET), "the secret itself is not echoed");
        }
        for (String host : new String[] {"127.0.0.1", "::1", "localhost"}) {
            assertEquals(host, ApiConfig.from(env("JWT_SECRET_KEY", EXAMPLE_SECRET, "API_HOST", host)).http().host());
        }
        assertThrows(ConfigException.class, () -> ApiConfig.from(env(
                "JWT_SECRET_KEY", "change-me-to-at-least-32-random-bytes-of-secret", "API_HOST", "0.0.0.0")), "the k8s placeholder");
        assertThrows(ConfigException.class, () -> ApiConfig.from(env(
                "JWT_SECRET_KEY", "please-CHANGE-ME-before-going-live-0123456789")), "any placeholder nobody replaced");
    }

    @Test
    void metricsAreNeverOnThePublicPort() {
        ConfigException error = assertThrows(ConfigException.class, () -> ApiConfig.from(env("API_PORT", "9000",
                "API_METRICS_PORT", "9000")));
        assertTrue(error.getMessage().contains("API_METRICS_PORT: must differ from API_PORT"), error.getMessage());
        assertEquals(0, ApiConfig.from(env("API_PORT", "0", "API_METRICS_PORT", "0")).http().metricsPort(), "tests take free ports");
    }

    @Test
    void everyBadVariableIsNamedAtOnceSharedOrNot() {
        ConfigException error = assertThrows(ConfigException.class, () -> ApiConfig.from(env(
                "API_PORT", "eighty",
                "API_MAX_READ_SECONDS", "0",
                "LOG_FORMAT", "xml",
                "DATABASE_URL", "mysql://x/y")));
        assertEquals(4, error.problems().size(), error.getMessage());
        assertTrue(error.getMessage().contains("API_PORT=eighty: must be a whole number"), error.getMessage());
        assertTrue(error.getMessage().contains("API_MAX_READ_SECONDS=0: must be between 1 and 3600"), error.getMessage());
    }

    @Test
    void aCloseTakesEffectOnlyAfterEveryApiCouldHaveSeenIt() {
        ApiConfig.Votes defaults = ApiConfig.from(env()).votes();
        assertEquals(Duration.ofSeconds(5), defaults.pollCloseDelay());
        assertEquals(Duration.ofMillis(1000), defaults.maxClockSkew());
        assertEquals(Duration.ofSeconds(3), ApiConfig.from(env("POLL_CLOSE_DELAY_SECONDS", "3")).votes().pollCloseDelay(),
                "2 s of cache and 1 s of skew: 3 s is enough");
        ConfigException error = assertThrows(ConfigException.class, () -> ApiConfig.from(env("POLL_CACHE_TTL_SECONDS", "5")));
        assertTrue(error.getMessage().contains("POLL_CLOSE_DELAY_SECONDS: must be at least POLL_CACHE_TTL_SECONDS + MAX_CLOCK_SKEW_MS"
                + " (5 s + 1000 ms)"), error.getMessage());
        assertTrue(error.getMessage().contains("it is 5 s"), error.getMessage());
    }

    @Test
    void shortHmacSecretRefusesToStart() {
        ConfigException error = assertThrows(ConfigException.class, () -> ApiConfig.from(env("JWT_SECRET_KEY", "too-short")));
        assertTrue(error.getMessage().contains("JWT_SECRET_KEY: HS256 needs a secret of at least 32 bytes (it has 9)"), error.getMessage());
        assertThrows(ConfigException.class, () -> ApiConfig.from(Map.of()), "no secret at all");
    }

    @Test
    void asymmetricAlgorithmsNeedAPublicKey() {
        ConfigException error = assertThrows(ConfigException.class, () -> ApiConfig.from(env("JWT_ALGORITHM", "RS256")));
        assertTrue(error.getMessage().contains("JWT_PUBLIC_KEY"), error.getMessage());
        ConfigException none = assertThrows(ConfigException.class, () -> ApiConfig.from(env("JWT_ALGORITHM", "none")));
        assertTrue(none.getMessage().contains("JWT_ALGORITHM=none: must be one of [HS256, RS256, ES256]"), none.getMessage());
    }

    @Test
    void theSecretIsMaskedInTheDescription() {
        ApiConfig config = ApiConfig.from(env("DATABASE_URL", "postgresql://app:dbpass@db/test"));
        String described = config.describe() + config;
        assertFalse(described.contains(SECRET), described);
        assertFalse(described.contains("dbpass"), described);
        assertTrue(described.contains("jwt Jwt[HS256, secret=*** (37 chars)"), described);
    }
}
