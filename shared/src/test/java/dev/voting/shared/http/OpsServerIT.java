package dev.voting.shared.http;

import dev.voting.shared.json.Json;
import dev.voting.shared.lifecycle.Dependency;
import dev.voting.shared.metrics.Metrics;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The operator's port of a worker, on a real loopback socket. */
class OpsServerIT {
    private static final Readiness ALL_UP = new Readiness(Map.of(Dependency.POSTGRESQL, () -> true), Duration.ofSeconds(1));

    private static OpsServer start(int port) throws Exception {
        return start(port, ALL_UP);
    }

    private static OpsServer start(int port, Readiness readiness) throws Exception {
        return new OpsServer(OpsServer.ANY_HOST, port, Metrics.newRegistry("ops-server-test"),
                new ReadinessAnswer(readiness, Set.of(), ""), Json.newMapper());
    }

    @Test
    void anUnknownPathIsAProblemWhoseTypeIsAUri() throws Exception {
        try (OpsServer ops = start(0); HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> missing = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ops.port() + "/nothing"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, missing.statusCode());
            assertEquals("application/problem+json", missing.headers().firstValue("Content-Type").orElse(null));
            assertEquals("/problems/not_found", Json.newMapper().readTree(missing.body()).path("type").asText());
        }
    }

    @Test
    void aDependencyDownIsA503ProblemNamingIt() throws Exception {
        Readiness postgresDown = new Readiness(Map.of(Dependency.POSTGRESQL, () -> false), Duration.ofSeconds(1));
        try (OpsServer ops = start(0, postgresDown); HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ops.port() + "/readyz"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, ready.statusCode());
            assertEquals("application/problem+json", ready.headers().firstValue("Content-Type").orElse(null));
            assertEquals("5", ready.headers().firstValue("Retry-After").orElse(null));
            assertEquals("[\"PostgreSQL\"]", Json.newMapper().readTree(ready.body()).path("down").toString());
        }
    }

    @Test
    void headIsAnsweredLikeGetWithoutTheBody() throws Exception {
        try (OpsServer ops = start(0); HttpClient http = HttpClient.newHttpClient()) {
            URI healthz = URI.create("http://127.0.0.1:" + ops.port() + "/healthz");
            HttpResponse<String> get = http.send(HttpRequest.newBuilder(healthz).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> head = http.send(HttpRequest.newBuilder(healthz).method("HEAD", HttpRequest.BodyPublishers.noBody())
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, head.statusCode());
            assertEquals("", head.body());
            assertEquals(Integer.toString(get.body().length()), head.headers().firstValue("Content-Length").orElse(null));
            assertEquals("application/json", head.headers().firstValue("Content-Type").orElse(null));
        }
    }
}
