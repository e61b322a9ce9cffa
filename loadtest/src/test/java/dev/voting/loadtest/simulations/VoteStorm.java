package dev.voting.loadtest.simulations;

import io.gatling.javaapi.core.Simulation;

import java.time.Duration;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;

/**
 * An open-model ramp to {@code -Drate} votes/s ({@code -Dramp} s), held for {@code -Dhold} s. Passes
 * when every vote is answered 202 or 409 and every read 200, and the p99 of the vote call at the
 * steady rate is under {@code -Dp99Ms}.
 */
@SuppressWarnings("this-escape")  // Gatling's DSL: the simulation sets itself up in its initializer
public class VoteStorm extends Simulation {
    private final VoteTraffic traffic;

    {
        double rate = Settings.number("rate", 1_000);
        Duration ramp = Settings.seconds("ramp", 30);
        Duration hold = Settings.seconds("hold", 60);
        int p99 = Settings.p99Millis(250);
        traffic = new VoteTraffic("VoteStorm", rate, Phases.of("ramp", ramp, "steady", hold));
        double users = traffic.usersPerSecond();
        setUp(traffic.mix("voters", 202, 409).injectOpen(
                rampUsersPerSec(1).to(users).during(ramp),
                constantUsersPerSec(users).during(hold)))
                .protocols(traffic.protocol())
                .assertions(
                        global().failedRequests().count().is(0L),
                        details("steady", "vote").responseTime().percentile(99.0).lt(p99));
    }

    @Override
    public void after() {
        traffic.writeRecord();
    }
}
