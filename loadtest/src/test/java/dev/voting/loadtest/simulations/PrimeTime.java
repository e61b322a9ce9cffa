package dev.voting.loadtest.simulations;

import io.gatling.javaapi.core.Simulation;

import java.time.Duration;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;

/**
 * A TV prime-time burst: a warm evening at {@code -Drate} votes/s (reached by a 20 s ramp, as a
 * system that has been up for a while would be warm), then {@code -DburstFactor} (3) times that for
 * {@code -Dburst} (30) s, then back. The system may shed what it cannot take, but only with 429 or
 * 503: a timeout, a reset or any other code fails the run. It must recover by itself: after a short
 * settling time the vote p99 is under {@code -Dp99Ms} again ({@code make loadtest} also checks that
 * nothing is shed any more).
 */
@SuppressWarnings("this-escape")  // Gatling's DSL: the simulation sets itself up in its initializer
public class PrimeTime extends Simulation {
    private static final Duration EDGE = Duration.ofSeconds(5);
    private final VoteTraffic traffic;

    {
        double rate = Settings.number("rate", 1_000);
        double factor = Settings.number("burstFactor", 3);
        Duration warmUp = Settings.seconds("warmUp", 20);
        Duration before = Settings.seconds("before", 20);
        Duration burst = Settings.seconds("burst", 30);
        Duration settle = Settings.seconds("settle", 10);
        Duration recovered = Settings.seconds("recovered", 30);
        int p99 = Settings.p99Millis(250);
        traffic = new VoteTraffic("PrimeTime", rate, Phases.of("warm-up", warmUp,
                "before", before, "burst", burst.plus(EDGE).plus(EDGE), "settle", settle, "recovered", recovered));
        double users = traffic.usersPerSecond();
        setUp(traffic.mix("viewers", 202, 409, 429, 503).injectOpen(
                rampUsersPerSec(users / 10).to(users).during(warmUp),
                constantUsersPerSec(users).during(before),
                rampUsersPerSec(users).to(users * factor).during(EDGE),
                constantUsersPerSec(users * factor).during(burst),
                rampUsersPerSec(users * factor).to(users).during(EDGE),
                constantUsersPerSec(users).during(settle.plus(recovered))))
                .protocols(traffic.protocol())
                .assertions(
                        global().failedRequests().count().is(0L),
                        details("recovered", "vote").responseTime().percentile(99.0).lt(p99));
    }

    @Override
    public void after() {
        traffic.writeRecord();
    }
}
