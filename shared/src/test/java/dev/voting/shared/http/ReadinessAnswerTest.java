package dev.voting.shared.http;

import dev.voting.shared.lifecycle.Dependency;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ReadinessAnswerTest {
    private static ReadinessAnswer answer(boolean postgres, boolean redis) {
        Readiness readiness = new Readiness(Map.of(Dependency.POSTGRESQL, () -> postgres, Dependency.REDIS, () -> redis),
                Duration.ofSeconds(1));
        return new ReadinessAnswer(readiness, Set.of(Dependency.REDIS), ": no votes can be taken");
    }

    @Test
    void allUpIsReadyWithNothingDegraded() {
        Response ready = answer(true, true).answer();
        assertEquals(200, ready.status());
        assertEquals(new ReadinessAnswer.Ready("ready", List.of()), ready.body());
    }

    @Test
    void aDependencyItCanDoWithoutIsNamedDegradedInA200() {
        assertEquals(new ReadinessAnswer.Ready("ready", List.of("Redis")), answer(true, false).answer().body());
    }

    @Test
    void aDependencyItNeedsIsA503NamingWhatIsDownAndDegraded() {
        ProblemException refused = assertThrows(ProblemException.class, () -> answer(false, false).answer());
        Response response = refused.response("req-1");
        assertEquals(503, response.status());
        assertEquals("5", response.headers().get("Retry-After"));
        Problem problem = (Problem) response.body();
        assertEquals("PostgreSQL not answering: no votes can be taken", problem.detail());
        assertEquals("req-1", problem.instance());
        assertEquals(List.of("PostgreSQL"), problem.extra().get("down"));
        assertEquals(List.of("Redis"), problem.extra().get("degraded"));
    }
}
