package dev.voting.shared.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The calls of a {@link PipelinedScript} waiting for their pipeline, each stamped when it was
 * queued: a call that waited longer than {@code maxWait} behind a slow pipeline fails unsent rather
 * than wait for another. Time is read from {@code nanoTime}, so the bound is testable with a fake clock.
 */
final class QueuedCalls {
    record Call(List<String> keys, List<String> args, CompletableFuture<Object> reply, long queuedAt) {
    }

    private final BlockingQueue<Call> queue = new LinkedBlockingQueue<>();
    private final long maxWaitNanos;
    private final LongSupplier nanoTime;

    QueuedCalls(Duration maxWait, LongSupplier nanoTime) {
        this.maxWaitNanos = maxWait.toNanos();
        this.nanoTime = nanoTime;
    }

    /** Queues a call; its reply completes when its pipeline answers, or when it fails. */
    CompletableFuture<Object> add(List<String> keys, List<String> args) {
        CompletableFuture<Object> reply = new CompletableFuture<>();
        queue.add(new Call(keys, args, reply, nanoTime.getAsLong()));
        return reply;
    }

    /**
     * The calls for the next pipeline, at most {@code max}: waits up to {@code idleMillis} for a first
     * one, then takes those already queued. The calls overdue fail here and are left out; the result
     * is empty when none came or all were overdue.
     */
    List<Call> next(int max, long idleMillis) throws InterruptedException {
        List<Call> batch = new ArrayList<>(max);
        Call first = queue.poll(idleMillis, TimeUnit.MILLISECONDS);
        if (first == null) {
            return batch;
        }
        batch.add(first);
        queue.drainTo(batch, max - 1);
        long now = nanoTime.getAsLong();
        batch.removeIf(call -> {
            boolean overdue = now - call.queuedAt() > maxWaitNanos;
            if (overdue) {
                call.reply().completeExceptionally(new ScriptNotRunException("Redis did not take the call within "
                        + Duration.ofNanos(maxWaitNanos).toMillis() + " ms", null));
            }
            return overdue;
        });
        return batch;
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    /** Fails every call still queued, unsent. */
    void failAll(String why) {
        List<Call> left = new ArrayList<>();
        queue.drainTo(left);
        left.forEach(call -> call.reply().completeExceptionally(new ScriptNotRunException(why, null)));
    }
}
