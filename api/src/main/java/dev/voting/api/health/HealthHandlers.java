package dev.voting.api.health;

import dev.voting.api.http.Call;
import dev.voting.api.http.ProblemException;
import dev.voting.api.http.Response;
import dev.voting.shared.health.Readiness;
import dev.voting.shared.lifecycle.Dependency;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /healthz} (the process answers) and {@code /readyz} (it can take votes) on the public port,
 * for load balancers; {@code /metrics} is only on the operator's port ({@code API_METRICS_PORT}).
 * Readiness fails only for the dependencies a vote cannot be answered without; the others, when
 * down, are named as degraded in a 200: every replica shares them, so failing would take all the
 * APIs out of their load balancer at once, while they still answer votes truthfully.
 */
public final class HealthHandlers {
    /** The body of a ready {@code /readyz}: {@code degraded} names the dependencies down that votes go around. */
    record Ready(String status, List<String> degraded) {
    }

    private final Readiness readiness;
    private final Set<Dependency> canDoWithout;

    public HealthHandlers(Readiness readiness, Set<Dependency> canDoWithout) {
        this.readiness = readiness;
        this.canDoWithout = Set.copyOf(canDoWithout);
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
        List<String> degraded = down.stream().filter(canDoWithout::contains).map(Dependency::displayName).toList();
        List<String> missing = down.stream().filter(d -> !canDoWithout.contains(d)).map(Dependency::displayName).toList();
        if (missing.isEmpty()) {
            return Response.json(200, new Ready("ready", degraded));
        }
        throw ProblemException.unavailable(Duration.ofSeconds(5), String.join(", ", missing) + " not answering: no votes can be taken")
                .with("down", missing)
                .with("degraded", degraded);
    }
}
