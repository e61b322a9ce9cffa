package dev.voting.api.vote;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The messages one channel has written and the broker has not confirmed yet, by publish sequence
 * number, and the permits that bound how many there are. Every way a message leaves the table
 * (confirmed, refused, returned, overdue, its channel dead, its write failed) completes each of its
 * votes exactly once and gives its permit back exactly once: whichever caller removes the entry
 * settles it, so a confirm racing a deadline or a channel's death cannot settle a message twice.
 */
final class Unconfirmed {
    /**
     * A vote handed to a lane: its message's fate completes {@code confirmed}; {@code submittedAt} starts its deadline.
     * {@code claim}, when not null, is still to be admitted in Redis before the vote may be written.
     */
    record Pending(String voteJson, CompletableFuture<Void> confirmed, long submittedAt, LaneClaim claim) {
        Pending(String voteJson, CompletableFuture<Void> confirmed, long submittedAt) {
            this(voteJson, confirmed, submittedAt, null);
        }
    }

    private record Message(List<Pending> votes, long publishedAt) {
    }

    /** Called with the batch size and confirm latency of every confirmed message. */
    interface Observer {
        void confirmed(int votes, long nanos);
    }

    private final ConcurrentNavigableMap<Long, Message> bySequence = new ConcurrentSkipListMap<>();
    private final Set<Long> returned = ConcurrentHashMap.newKeySet();
    private final Semaphore permits;
    private final Observer observer;
    private final LongSupplier nanoTime;

    Unconfirmed(int maxMessages, Observer observer, LongSupplier nanoTime) {
        this.permits = new Semaphore(maxMessages);
        this.observer = observer;
        this.nanoTime = nanoTime;
    }

    /** A permit for the next message, waiting at most {@code millis}; false when every permit is taken. */
    boolean reserve(long millis) throws InterruptedException {
        return permits.tryAcquire(millis, TimeUnit.MILLISECONDS);
    }

    /** Gives back a permit reserved for a message that was not written. */
    void unreserve() {
        permits.release();
    }

    /** The message is about to be written with {@code sequence}: from now on the entry owns its permit. */
    void written(long sequence, List<Pending> votes) {
        bySequence.put(sequence, new Message(List.copyOf(votes), nanoTime.getAsLong()));
    }

    /** The broker will follow the confirm of {@code sequence} with a failure: its queue did not exist. */
    void returned(long sequence) {
        returned.add(sequence);
    }

    /** The broker's ack ({@code failure} null) or nack, for one sequence or every one up to it. */
    void settle(long sequence, boolean multiple, PublishFailure failure) {
        List<Long> sequences = multiple ? new ArrayList<>(bySequence.headMap(sequence, true).keySet()) : List.of(sequence);
        long now = nanoTime.getAsLong();
        for (Long each : sequences) {
            Message message = take(each);
            if (message == null) {
                continue;
            }
            PublishFailure outcome = failure != null ? failure
                    : returned.remove(each) ? PublishFailure.notQueued("the vote queue does not exist") : null;
            if (outcome == null) {
                message.votes().forEach(v -> v.confirmed().complete(null));
                observer.confirmed(message.votes().size(), now - message.publishedAt());
            } else {
                fail(message.votes(), outcome);
            }
        }
    }

    /** Fails one message whose write failed; false when something else settled it first. */
    boolean fail(long sequence, PublishFailure failure) {
        Message message = take(sequence);
        if (message == null) {
            return false;
        }
        fail(message.votes(), failure);
        return true;
    }

    /** Fails every message whose oldest vote was handed over more than {@code timeoutNanos} ago; says how many. */
    int expire(long timeoutNanos, PublishFailure failure) {
        long now = nanoTime.getAsLong();
        int expired = 0;
        for (Map.Entry<Long, Message> entry : bySequence.entrySet()) {
            if (now - entry.getValue().votes().getFirst().submittedAt() > timeoutNanos
                    && bySequence.remove(entry.getKey(), entry.getValue())) {
                permits.release();
                fail(entry.getValue().votes(), failure);
                expired++;
            }
        }
        return expired;
    }

    /** Fails everything still unconfirmed (the channel died, or the API stops). */
    void abandon(PublishFailure failure) {
        for (Long sequence : bySequence.keySet()) {
            fail(sequence, failure);
        }
        returned.clear();
    }

    boolean isEmpty() {
        return bySequence.isEmpty();
    }

    private Message take(long sequence) {
        Message message = bySequence.remove(sequence);
        if (message != null) {
            permits.release();
        }
        return message;
    }

    static void fail(List<Pending> votes, PublishFailure failure) {
        votes.forEach(v -> v.confirmed().completeExceptionally(failure));
    }
}
