package dev.voting.api.vote;

import dev.voting.shared.redis.ScriptPipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The votes handed to a publish lane and not written to the broker yet, oldest first. Whatever
 * fails here was never sent: the broker cannot have queued it.
 */
final class UnsentVotes {
    private final BlockingQueue<Unconfirmed.Pending> queue = new LinkedBlockingQueue<>();
    private final LongSupplier nanoTime;

    UnsentVotes(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** The vote's future completes with its message's fate; its deadline starts now. */
    CompletableFuture<Void> add(String voteJson) {
        CompletableFuture<Void> confirmed = new CompletableFuture<>();
        queue.add(new Unconfirmed.Pending(voteJson, confirmed, nanoTime.getAsLong()));
        return confirmed;
    }

    /**
     * A vote the lane admits before it publishes it; until then, whatever fails it leaves it
     * {@link Admission.Unsent}, since nothing of it was claimed or sent.
     */
    CompletableFuture<Admission> addClaim(String voteJson, ScriptPipeline.Call script, LaneClaim.Verdict verdict) {
        CompletableFuture<Void> unsent = new CompletableFuture<>();  // only ever failed: an admitted vote gets a future of its own
        CompletableFuture<Admission> outcome = unsent.handle((done, e) -> new Admission.Unsent(
                e == null ? "the vote was not sent" : String.valueOf(e.getMessage())));
        queue.add(new Unconfirmed.Pending(voteJson, unsent, nanoTime.getAsLong(), new LaneClaim(script, verdict, outcome)));
        return outcome;
    }

    /** The oldest vote, waiting up to {@code millis} for one; null when none came. */
    Unconfirmed.Pending next(long millis) throws InterruptedException {
        return queue.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** Moves up to {@code max} more votes into {@code batch}, oldest first. */
    void drainTo(List<Unconfirmed.Pending> batch, int max) {
        queue.drainTo(batch, max);
    }

    /** Fails the votes that waited longer than {@code timeoutNanos} (the oldest are at the head). */
    void expire(long timeoutNanos, PublishFailure failure) {
        long now = nanoTime.getAsLong();
        for (Unconfirmed.Pending head = queue.peek(); head != null && now - head.submittedAt() > timeoutNanos; head = queue.peek()) {
            if (queue.remove(head)) {
                head.confirmed().completeExceptionally(failure);
            }
        }
    }

    void failAll(PublishFailure failure) {
        List<Unconfirmed.Pending> drained = new ArrayList<>();
        queue.drainTo(drained);
        Unconfirmed.fail(drained, failure);
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }
}
