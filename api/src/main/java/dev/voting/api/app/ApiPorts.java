package dev.voting.api.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import com.zaxxer.hikari.HikariDataSource;
import dev.voting.api.ApiConfig;
import dev.voting.api.http.MetricsFilter;
import dev.voting.api.http.Router;
import dev.voting.api.vote.VotePublisher;
import dev.voting.shared.http.OpsServer;
import dev.voting.shared.http.Readiness;
import dev.voting.shared.http.ReadinessAnswer;
import dev.voting.shared.lifecycle.Dependency;
import dev.voting.shared.lifecycle.StartupException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import redis.clients.jedis.UnifiedJedis;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;

/**
 * The API's two ports and what their {@code /readyz} asks: the operator's port ({@code /metrics} and
 * the probes) and the public one (every route). A port that is taken stops the start, naming the
 * variable that moves it.
 */
final class ApiPorts {
    private ApiPorts() {
    }

    /** Every dependency a vote touches, each asked within 2 s. */
    static Readiness readiness(HikariDataSource database, UnifiedJedis redis, VotePublisher publisher) {
        return new Readiness(Map.of(
                Dependency.POSTGRESQL, () -> isValid(database),
                Dependency.REDIS, () -> "PONG".equals(redis.ping()),
                Dependency.RABBITMQ, publisher::isHealthy), Duration.ofSeconds(2));
    }

    /** Without Redis a vote is answered from PostgreSQL (409 naming a counted vote, else 503 with Retry-After): still truthful. */
    static ReadinessAnswer readyAnswer(Readiness readiness) {
        return new ReadinessAnswer(readiness, Set.of(Dependency.REDIS), ": no votes can be taken");
    }

    static OpsServer operators(ApiConfig.Http http, PrometheusMeterRegistry registry, ReadinessAnswer ready, ObjectMapper mapper) {
        try {
            return new OpsServer(http.host(), http.metricsPort(), registry, ready, mapper);
        } catch (IOException e) {
            throw new StartupException("cannot open the metrics port " + http.host() + ":" + http.metricsPort()
                    + " (" + e.getMessage() + "); set API_METRICS_PORT to a free port", e);
        }
    }

    /** Bound but not started: the caller registers its stop before the first request can come. */
    static HttpServer publicPort(ApiConfig.Http http, Router router, ExecutorService executor, MeterRegistry registry) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(http.host(), http.port()), 1024);
        } catch (IOException e) {
            throw new StartupException("cannot listen on " + http.host() + ":" + http.port()
                    + " (" + e.getMessage() + "); set API_PORT to a free port", e);
        }
        server.setExecutor(executor);
        server.createContext("/", router).getFilters().add(new MetricsFilter(registry));
        return server;
    }

    private static boolean isValid(HikariDataSource database) throws Exception {
        try (Connection connection = database.getConnection()) {
            return connection.isValid(1);
        }
    }
}
