package dev.voting.loadtest.traffic;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Response times in whole milliseconds, one bucket per millisecond up to a minute (the rest in the
 * last bucket): exact enough for p50/p95/p99 of a vote call, lock-free for Gatling's threads.
 */
public final class LatencyHistogram {
    static final int MAX_MILLIS = 60_000;
    private final AtomicLongArray buckets = new AtomicLongArray(MAX_MILLIS + 1);

    public void record(long millis) {
        buckets.incrementAndGet(Math.clamp(millis, 0, MAX_MILLIS));
    }

    public Latency summary() {
        long[] counts = new long[buckets.length()];
        long total = 0;
        long max = 0;
        for (int i = 0; i < counts.length; i++) {
            counts[i] = buckets.get(i);
            total += counts[i];
            if (counts[i] > 0) {
                max = i;
            }
        }
        return new Latency(total, percentile(counts, total, 50), percentile(counts, total, 95),
                percentile(counts, total, 99), max);
    }

    /** The smallest value that at least {@code percent} % of the samples do not exceed (nearest rank). */
    static long percentile(long[] counts, long total, double percent) {
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(percent / 100.0 * total);
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return i;
            }
        }
        return counts.length - 1;
    }

    /** Milliseconds; {@code count} is the number of samples. */
    public record Latency(long count, long p50, long p95, long p99, long max) {
    }
}
