package dev.voting.loadtest.simulations;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PhasesTest {
    @Test
    void aCallBelongsToThePhaseItFallsInAndTheTailToTheLast() {
        Phases phases = Phases.of("ramp", Duration.ofSeconds(30), "steady", Duration.ofSeconds(60));
        assertEquals("ramp", phases.at(Duration.ZERO));
        assertEquals("ramp", phases.at(Duration.ofMillis(29_999)));
        assertEquals("steady", phases.at(Duration.ofSeconds(30)));
        assertEquals("steady", phases.at(Duration.ofSeconds(95)));
    }
}
