package dev.voting.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.ToIntFunction;

/**
 * Gathers items into a batch: waits up to {@code idleWait} for a first one, then takes more until
 * the batch weighs {@code maxWeight} (votes, not messages) or {@code maxWait} has passed since the
 * first. Light traffic is written at once; heavy traffic fills large batches without waiting. Time
 * is read from {@code nanoTime}, so the deadline is testable with a fake clock.
 */
final class BatchCollector<T> {
    /** Where items come from, in order. */
    @FunctionalInterface
    interface Source<T> {
        /** The next item, or null when none came within {@code timeoutNanos}. */
        T poll(long timeoutNanos) throws InterruptedException;
    }

    /** How heavy a batch may grow and how long it waits for its first item and for the rest. */
    record Limits(int maxWeight, Duration maxWait, Duration idleWait) {
    }

    private final Source<T> source;
    private final ToIntFunction<T> weight;
    private final Limits limits;
    private final LongSupplier nanoTime;

    BatchCollector(Source<T> source, ToIntFunction<T> weight, Limits limits, LongSupplier nanoTime) {
        this.source = source;
        this.weight = weight;
        this.limits = limits;
        this.nanoTime = nanoTime;
    }

    /** The next batch; empty when nothing arrived within {@code idleWait}. */
    List<T> next() throws InterruptedException {
        List<T> batch = new ArrayList<>();
        T first = source.poll(limits.idleWait().toNanos());
        if (first == null) {
            return batch;
        }
        batch.add(first);
        int total = weight.applyAsInt(first);
        long deadline = nanoTime.getAsLong() + limits.maxWait().toNanos();
        while (total < limits.maxWeight()) {
            T next = source.poll(Math.max(0, deadline - nanoTime.getAsLong()));
            if (next == null) {
                break;
            }
            batch.add(next);
            total += weight.applyAsInt(next);
        }
        return batch;
    }
}
