package dev.voting.loadtest.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchReportTest {
    private static final Map<String, Double> CPU = Map.of("api", 20.0, "worker", 5.0, "postgres", 3.0);

    private static BenchResult.LoadPhase phase(int connections, double accepted, double counted, double p99, Map<Integer, Long> codes,
                                               long socketErrors, boolean exact) {
        return new BenchResult.LoadPhase(connections + " connections", connections, 30, 300_000, 40, (long) (accepted * 30),
                accepted, (long) (accepted * 30) + 12, counted, 0.5, 2, 5, p99, 80, codes,
                Map.of("connect", 0L, "read", socketErrors, "write", 0L, "timeout", 0L), 0, exact, CPU, 99,
                List.of("java 4711: 3.0 s"), 12.5);
    }

    private static BenchResult.Drain drain(double rate, boolean exact) {
        return new BenchResult.Drain(1_000_000, 2_000, 4, 1, 1_000_000 / rate, rate, 20, 50_000, 1_000_000, exact, CPU, 98, List.of(), 412_000_000);
    }

    private static final List<BenchResult.BarePhase> BARE = List.of(
            new BenchResult.BarePhase(50, 20_000, 2, 8), new BenchResult.BarePhase(1_000, 14_000, 60, 300));

    @Test
    void goalsAreJudgedOnWhatWasMeasured() {
        List<BenchResult.Goal> met = Bench.goals(List.of(
                phase(50, 7_100, 7_000, 30, Map.of(202, 360_000L), 0, true),
                phase(1_000, 11_000, 10_500, 400, Map.of(202, 300_000L, 503, 20L), 0, true)), BARE, drain(40_000, true));
        assertTrue(met.stream().allMatch(BenchResult.Goal::met), met.toString());
        assertEquals("7,000 counted votes/s ÷ 20,000 = 0.35×", met.get(0).measured());

        List<BenchResult.Goal> missed = Bench.goals(List.of(
                phase(50, 7_100, 6_900, 60, Map.of(202, 360_000L), 0, true),
                phase(1_000, 11_000, 10_000, 400, Map.of(202, 300_000L, 500, 1L), 0, true)), BARE, drain(40_000, false));
        assertFalse(missed.get(0).met(), "0.345× the bare server at 50 connections");
        assertFalse(missed.get(1).met(), "0.71× the bare server at 1,000 connections");
        assertFalse(missed.get(2).met(), "p99 60 ms");
        assertFalse(missed.get(3).met(), "a 500");
        assertFalse(missed.get(4).met(), "not exact");

        assertFalse(Bench.goals(List.of(phase(1_000, 11_000, 11_000, 400, Map.of(202, 1L), 3, true)), BARE, null).get(3).met(),
                "socket errors");
        assertEquals("not run", Bench.goals(List.of(), List.of(), null).get(0).measured());
        assertEquals("not run", Bench.goals(List.of(phase(50, 7_100, 7_000, 30, Map.of(202, 1L), 0, true)), List.of(), null)
                .get(0).measured(), "no bare phase, no ratio");
    }

    @Test
    void theTableHasARowPerPhaseAndSaysWhatWasCutOff() {
        BenchResult result = new BenchResult("2026-11-29 06:00 UTC",
                new BenchResult.Machine("Some CPU", 2, 24_000, "6.1", "25", "abc1234", true),
                new BenchResult.Settings(30, 10, 2, 1, 2, 2, 500, "", "", 1_000_000),
                List.of(phase(50, 12_000, 11_900, 30, Map.of(202, 360_000L), 0, true)), BARE, drain(40_000, true),
                Bench.goals(List.of(), List.of(), null));
        String markdown = BenchReport.markdown(result);
        assertTrue(markdown.contains("| 50 connections | 12,000 | 11,900 | 2.0 | 30.0 | 202: 360,000; no socket errors | 12.5 | | yes (+12 of 40 cut off) |"),
                markdown);
        assertTrue(markdown.contains("| 50 | 20,000 | 2.0 | 8.0 | 0.60× |"), markdown);
        assertTrue(markdown.contains("| 1,000 | 14,000 | 60.0 | 300.0 | – |"), markdown);
        assertTrue(markdown.contains("| drain 1,000,000 votes, 1 worker |"), markdown);
        assertTrue(markdown.contains("PostgreSQL write 412 bytes of WAL per vote"), markdown);
        assertTrue(markdown.contains("commit abc1234 with uncommitted changes"), markdown);
    }
}
