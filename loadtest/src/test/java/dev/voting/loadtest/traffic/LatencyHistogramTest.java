package dev.voting.loadtest.traffic;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LatencyHistogramTest {
    @Test
    void percentilesAreNearestRank() {
        LatencyHistogram histogram = new LatencyHistogram();
        for (int ms = 1; ms <= 100; ms++) {
            histogram.record(ms);
        }
        LatencyHistogram.Latency latency = histogram.summary();
        assertEquals(100, latency.count());
        assertEquals(50, latency.p50());
        assertEquals(95, latency.p95());
        assertEquals(99, latency.p99());
        assertEquals(100, latency.max());
    }

    @Test
    void slowAnswersLandInTheLastBucketAndAnEmptyHistogramSaysZero() {
        LatencyHistogram histogram = new LatencyHistogram();
        assertEquals(new LatencyHistogram.Latency(0, 0, 0, 0, 0), histogram.summary());
        histogram.record(3_600_000);
        histogram.record(-5);
        LatencyHistogram.Latency latency = histogram.summary();
        assertEquals(LatencyHistogram.MAX_MILLIS, latency.max());
        assertEquals(0, latency.p50());
    }
}
