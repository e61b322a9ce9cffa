package dev.voting.testkit;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.rabbitmq.RabbitMQContainer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;

/**
 * Where the real PostgreSQL, Redis and RabbitMQ of the integration tests are: {@code TEST_*_URL},
 * else the application's own variables, else the local defaults. When one does not answer,
 * Testcontainers starts it where Docker exists; otherwise the test is skipped, or fails when
 * {@code REQUIRE_SERVICES=true} (as in CI).
 */
public record Services(String databaseUrl, String redisUrl, String rabbitUrl) {

    private static Services resolved;

    public static synchronized Services get() {
        if (resolved == null) {
            resolved = resolve();
        }
        return resolved;
    }

    private static Services resolve() {
        String database = url("TEST_DATABASE_URL", "DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test");
        String redis = url("TEST_REDIS_URL", "REDIS_URL", "redis://127.0.0.1:6379/0");
        String rabbit = url("TEST_RABBITMQ_URL", "RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672");
        boolean databaseUp = answers(database, 5432);
        boolean redisUp = answers(redis, 6379);
        boolean rabbitUp = answers(rabbit, 5672);
        if (databaseUp && redisUp && rabbitUp) {
            return new Services(database, redis, rabbit);
        }
        if (dockerAvailable()) {
            return fromContainers(databaseUp ? database : null, redisUp ? redis : null, rabbitUp ? rabbit : null);
        }
        String missing = (databaseUp ? "" : " PostgreSQL at " + database) + (redisUp ? "" : " Redis at " + redis)
                + (rabbitUp ? "" : " RabbitMQ at " + rabbit);
        throw missing("integration services not reachable:" + missing + " (and no Docker for Testcontainers)");
    }

    /**
     * What a test does when something it needs is not on this machine: fails with
     * {@code REQUIRE_SERVICES=true} (as in CI), else is skipped. Always throws; {@code throw} the result
     * so that the compiler knows.
     */
    public static RuntimeException missing(String why) {
        if (Boolean.parseBoolean(System.getenv().getOrDefault("REQUIRE_SERVICES", "false"))) {
            Assertions.fail(why + "; REQUIRE_SERVICES=true");
        }
        Assumptions.abort(why);
        throw new IllegalStateException("unreachable");
    }

    private static Services fromContainers(String database, String redis, String rabbit) {
        if (database == null) {
            var postgres = new PostgreSQLContainer("postgres:15-alpine");
            postgres.start();
            database = "postgresql://" + postgres.getUsername() + ":" + postgres.getPassword() + "@" + postgres.getHost()
                    + ":" + postgres.getFirstMappedPort() + "/" + postgres.getDatabaseName();
        }
        if (redis == null) {
            var container = new GenericContainer<>("redis:7-alpine").withExposedPorts(6379);
            container.start();
            redis = "redis://" + container.getHost() + ":" + container.getFirstMappedPort() + "/0";
        }
        if (rabbit == null) {
            var container = new RabbitMQContainer("rabbitmq:3.13-alpine");
            container.start();
            rabbit = container.getAmqpUrl();
        }
        return new Services(database, redis, rabbit);
    }

    private static String url(String testVariable, String appVariable, String fallback) {
        String value = System.getenv(testVariable);
        if (value == null || value.isBlank()) {
            value = System.getenv(appVariable);
        }
        return value == null || value.isBlank() ? fallback : value;
    }

    private static boolean answers(String url, int defaultPort) {
        URI uri = URI.create(url.replaceFirst("^jdbc:", ""));
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort() == -1 ? defaultPort : uri.getPort()), 1_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }
}
