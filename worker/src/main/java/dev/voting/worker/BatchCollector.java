package dev.voting.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;

/**
 * Gathers items into a batch: waits up to {@code idleWait} for a first one, then takes more until
 * the batch weighs {@code maxWeight} (votes, not messages) or {@code maxWait} has passed since the
 * first. Light traffic is written at once; heavy traffic fills large batches without waiting.
 */
final class BatchCollector<T> {
    private final BlockingQueue<T> source;
    private final ToIntFunction<T> weight;
    private final int maxWeight;
    private final Duration maxWait;
    private final Duration idleWait;

    BatchCollector(BlockingQueue<T> source, ToIntFunction<T> weight, int maxWeight, Duration maxWait, Duration idleWait) {
        this.source = source;
        this.weight = weight;
        this.maxWeight = maxWeight;
        this.maxWait = maxWait;
        this.idleWait = idleWait;
    }

    /** The next batch; empty when nothing arrived within {@code idleWait}. */
    List<T> next() throws InterruptedException {
        List<T> batch = new ArrayList<>();
        T first = source.poll(idleWait.toNanos(), TimeUnit.NANOSECONDS);
        if (first == null) {
            return batch;
        }
        batch.add(first);
        int total = weight.applyAsInt(first);
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (total < maxWeight) {
            T next = source.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (next == null) {
                break;
            }
            batch.add(next);
            total += weight.applyAsInt(next);
        }
        return batch;
    }
}
