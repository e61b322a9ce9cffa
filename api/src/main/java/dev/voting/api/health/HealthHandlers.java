package dev.voting.api.health;

import dev.voting.api.http.Call;
import dev.voting.api.http.ProblemException;
import dev.voting.api.http.Response;
import dev.voting.shared.health.Readiness;
import dev.voting.shared.lifecycle.Dependency;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code /healthz} (the process answers) and {@code /readyz} (its dependencies answer) on the public
 * port, for load balancers; {@code /metrics} is only on the operator's port ({@code API_METRICS_PORT}).
 */
public final class HealthHandlers {
    private final Readiness readiness;

    public HealthHandlers(Readiness readiness) {
        this.readiness = readiness;
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
}
