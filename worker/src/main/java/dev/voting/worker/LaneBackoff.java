package dev.voting.worker;

import dev.voting.shared.lifecycle.Backoff;

import java.util.function.BooleanSupplier;

/**
 * A lane's wait between attempts at a dependency that failed (PostgreSQL, Redis): the backoff
 * doubles up to 5 s, and once the lane is stopping the batch is given up instead ({@link Abandoned}),
 * its messages unacked.
 */
final class LaneBackoff implements RetryingWriter.Pause {
    static final Backoff BACKOFF = new Backoff(100, 5_000);

    private final BooleanSupplier stopping;
    private final WorkerMetrics metrics;

    LaneBackoff(BooleanSupplier stopping, WorkerMetrics metrics) {
        this.stopping = stopping;
        this.metrics = metrics;
    }

    @Override
    public long after(long backoffMillis) throws Abandoned {
        if (stopping.getAsBoolean()) {
            throw new Abandoned();
        }
        metrics.retried();
        sleep(backoffMillis);
        return BACKOFF.after(backoffMillis);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
