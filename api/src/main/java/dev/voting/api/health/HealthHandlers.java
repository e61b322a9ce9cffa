package dev.voting.api.health;

import dev.voting.api.http.Call;
import dev.voting.shared.http.ReadinessAnswer;
import dev.voting.shared.http.Response;

import java.util.Map;

/**
 * {@code /healthz} (the process answers) and {@code /readyz} (it can take votes) on the public port,
 * for load balancers; {@code /metrics} is only on the operator's port ({@code API_METRICS_PORT}),
 * whose {@code /readyz} gives the same answer. Readiness fails only for the dependencies a vote
 * cannot be answered without; the others, when down, are named as degraded in a 200: every replica
 * shares them, so failing would take all the APIs out of their load balancer at once, while they
 * still answer votes truthfully.
 */
public final class HealthHandlers {
    private final ReadinessAnswer readiness;

    public HealthHandlers(ReadinessAnswer readiness) {
        this.readiness = readiness;
    }

    public Response health(Call call) {
        return Response.json(200, Map.of("status", "ok"));
    }

    public Response ready(Call call) {
        return readiness.answer();
    }
}
