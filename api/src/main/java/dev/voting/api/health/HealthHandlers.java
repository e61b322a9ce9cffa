package dev.voting.api.health;

import dev.voting.api.http.Call;
import dev.voting.api.http.ProblemException;
import dev.voting.api.http.Response;
import dev.voting.shared.health.Readiness;
import dev.voting.shared.lifecycle.Dependency;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** {@code /healthz} (the process answers), {@code /readyz} (its dependencies answer), {@code /metrics}. */
public final class HealthHandlers {
    private final Readiness readiness;
    private final PrometheusMeterRegistry registry;

    public HealthHandlers(Readiness readiness, PrometheusMeterRegistry registry) {
        this.readiness = readiness;
        this.registry = registry;
    }

    public Response health(Call call) {
        return Response.json(200, Map.of("status", "ok"));
    }

    public Response ready(Call call) {
        List<Dependency> down;
        try {
            down = readiness.down();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ProblemException.unavailable(Duration.ofSeconds(1), "shutting down");
        }
        if (down.isEmpty()) {
            return Response.json(200, Map.of("status", "ready"));
        }
        List<String> names = down.stream().map(Dependency::displayName).toList();
        throw ProblemException.unavailable(Duration.ofSeconds(5), String.join(", ", names) + " not answering")
                .with("down", names);
    }

    public Response metrics(Call call) {
        return Response.bytes(200, "text/plain; version=0.0.4; charset=utf-8",
                registry.scrape().getBytes(StandardCharsets.UTF_8));
    }
}
