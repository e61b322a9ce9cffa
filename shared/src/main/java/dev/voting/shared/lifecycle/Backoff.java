package dev.voting.shared.lifecycle;

/**
 * The waits between attempts at a dependency that failed: {@code firstMillis}, then twice the last
 * wait, up to {@code maxMillis}. A retry loop keeps its current wait and asks for the next one.
 */
public record Backoff(long firstMillis, long maxMillis) {
    public Backoff {
        if (firstMillis < 1 || maxMillis < firstMillis) {
            throw new IllegalArgumentException("backoff from " + firstMillis + " ms up to " + maxMillis + " ms");
        }
    }

    /** The wait after one of {@code millis}. */
    public long after(long millis) {
        return Math.min(millis * 2, maxMillis);
    }
}
