package dev.voting.loadtest.simulations;

import io.gatling.javaapi.core.Simulation;

import java.time.Duration;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;

/**
 * A long steady run at {@code -Drate} votes/s for {@code -Dminutes} (30) after a 30 s ramp, to find
 * leaks: the steady run is cut in thirds, and the last third must be as good as the first (no
 * failure, p99 under {@code -Dp99Ms}); {@code make loadtest SIMULATION=Soak} also prints the
 * processes' memory at the start and the end. Not part of CI.
 */
@SuppressWarnings("this-escape")  // Gatling's DSL: the simulation sets itself up in its initializer
public class Soak extends Simulation {
    private final VoteTraffic traffic;

    {
        double rate = Settings.number("rate", 500);
        Duration length = Duration.ofSeconds(Math.round(Settings.number("minutes", 30) * 60));
        Duration third = length.dividedBy(3);
        Duration ramp = Settings.seconds("ramp", 30);
        int p99 = Settings.p99Millis(250);
        traffic = new VoteTraffic("Soak", rate,
                Phases.of("ramp", ramp, "first third", third, "middle third", third, "last third", third));
        setUp(traffic.mix("steady voters", 202, 409).injectOpen(
                rampUsersPerSec(1).to(traffic.usersPerSecond()).during(ramp),
                constantUsersPerSec(traffic.usersPerSecond()).during(length)))
                .protocols(traffic.protocol())
                .assertions(
                        global().failedRequests().count().is(0L),
                        details("last third", "vote").responseTime().percentile(99.0).lt(p99));
    }

    @Override
    public void after() {
        traffic.writeRecord();
    }
}
