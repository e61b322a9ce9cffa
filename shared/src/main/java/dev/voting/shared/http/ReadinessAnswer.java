package dev.voting.shared.http;

import dev.voting.shared.lifecycle.Dependency;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The answer to {@code /readyz}, the same on every port of a process that serves it: 200 while the
 * dependencies the process cannot do without answer, naming under {@code degraded} those down that
 * it goes around; else a 503 problem naming them under {@code down}, with {@code Retry-After}.
 */
public final class ReadinessAnswer {
    private static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    /** The body of a ready {@code /readyz}. */
    record Ready(String status, List<String> degraded) {
    }

    private final Readiness readiness;
    private final Set<Dependency> canDoWithout;
    private final String consequence;

    /** {@code consequence} ends the 503's detail, after the dependencies down: what the process cannot do without them. */
    public ReadinessAnswer(Readiness readiness, Set<Dependency> canDoWithout, String consequence) {
        this.readiness = readiness;
        this.canDoWithout = Set.copyOf(canDoWithout);
        this.consequence = consequence;
    }

    public Response answer() {
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
        throw ProblemException.unavailable(RETRY_AFTER, String.join(", ", missing) + " not answering" + consequence)
                .with("down", missing)
                .with("degraded", degraded);
    }
}
