package dev.voting.loadtest.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class WrkTest {
    @Test
    void theScriptsSummaryLineIsRead() {
        Wrk.Result result = Wrk.parse(List.of(
                "Running 30s test @ http://127.0.0.1:8000",
                "WRK-JSON {\"durationMicros\":30000000,\"requests\":300,\"codes\":{\"202\":290,\"409\":10},"
                        + "\"errors\":{\"connect\":0,\"read\":1,\"write\":0,\"timeout\":2,\"status\":10},"
                        + "\"latencyMicros\":{\"p50\":1500,\"p90\":4000,\"p99\":9000,\"max\":20000},\"tokenWraps\":0,\"sent\":350}"));
        assertEquals(30.0, result.seconds());
        assertEquals(290, result.count(202));
        assertEquals(0, result.count(503));
        assertEquals(3, result.errors().socket());
        assertEquals(50, result.unanswered());
        assertEquals(9000, result.latencyMicros().p99());
    }

    @Test
    void noSummaryIsAnErrorThatShowsWhatWrkSaid() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Wrk.parse(List.of("unable to connect")));
        assertEquals(true, e.getMessage().contains("unable to connect"));
    }
}
