package dev.voting.api.vote;

import com.rabbitmq.client.Channel;
import dev.voting.shared.amqp.ConnectionHolder;
import dev.voting.shared.lifecycle.Backoff;
import dev.voting.shared.redis.ScriptPipeline;
import dev.voting.shared.vote.VoteCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * One channel in confirm mode and the one thread that publishes on it: group commit for votes.
 *
 * <p>Votes wait here while every permit's message awaits its confirm; the next message carries all
 * that waited (up to {@code maxBatch}): alone under light load, hundreds per message and confirm
 * under heavy load, which lets the broker keep up. A vote's future completes at its message's
 * confirm, or fails with a {@link PublishFailure} saying whether it may still be queued (never sent,
 * refused or returned: no; channel dead after the write, or no confirm within {@code confirmTimeout}
 * of its submission: maybe). The lane keeps that deadline, so a waiting request needs no timer.
 * The lane is the loop from {@link UnsentVotes} through {@link BatchMessage} (which admits in Redis
 * the votes that need it, while the next batch gathers) to messages on its {@link ConfirmChannel};
 * what awaits its confirm is in {@link Unconfirmed}.
 */
final class PublishLane implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(PublishLane.class);
    private static final long WATCH_INTERVAL_MILLIS = 100;
    private static final Backoff BACKOFF = new Backoff(100, 2_000);

    /** Where the lane publishes: a queue, through channels of a connection. */
    record Destination(ConnectionHolder connection, String queue) {
    }

    /** Votes per message, and how long a vote may wait for its confirm in all. */
    record Limits(int maxBatch, Duration confirmTimeout) {
    }

    private final int id;
    private final BatchMessage messages;
    private final int maxBatch;
    private final long confirmTimeoutNanos;
    private final Unconfirmed unconfirmed;
    private final LongSupplier nanoTime;
    private final UnsentVotes waiting;
    private long lastWatch;
    private final ConfirmChannel channel;
    private volatile boolean brokerReachable = true;
    private volatile boolean stopping;

    PublishLane(int id, Destination destination, BatchMessage messages, Limits limits, Unconfirmed unconfirmed, LongSupplier nanoTime) {
        this.id = id;
        this.messages = messages;
        this.maxBatch = limits.maxBatch();
        this.confirmTimeoutNanos = limits.confirmTimeout().toNanos();
        this.unconfirmed = unconfirmed;
        this.channel = new ConfirmChannel("publish lane " + id, destination, unconfirmed);
        this.nanoTime = nanoTime;
        this.waiting = new UnsentVotes(nanoTime);
        this.lastWatch = nanoTime.getAsLong();
    }

    CompletableFuture<Void> submit(String voteJson) {
        String refused = refusal();
        return refused != null ? CompletableFuture.failedFuture(PublishFailure.notQueued(refused)) : waiting.add(voteJson);
    }

    /** A vote to admit in Redis with the batch it goes out in, then publish if admitted. */
    CompletableFuture<Admission> submit(String voteJson, ScriptPipeline.Call script, LaneClaim.Verdict verdict) {
        String refused = refusal();
        return refused != null ? CompletableFuture.completedFuture(new Admission.Unsent(refused)) : waiting.addClaim(voteJson, script, verdict);
    }

    /** Why the lane takes no vote now, or null. */
    private String refusal() {
        return stopping ? "the API is shutting down" : brokerReachable ? null : "the broker is unreachable";
    }

    boolean isHealthy() {
        return brokerReachable && channel.isOpen();
    }

    @Override
    public void run() {
        List<Unconfirmed.Pending> batch = new ArrayList<>(maxBatch);
        long backoffMillis = BACKOFF.firstMillis();
        try {
            channel();
        } catch (IOException | RuntimeException e) {
            brokerReachable = false;
            log.warn("publish lane {}: broker unavailable at start: {}", id, e.toString());
        }
        while (!stopping || !waiting.isEmpty()) {
            boolean permitHeld = false;
            try {
                expireOverdue();
                if (!unconfirmed.reserve(WATCH_INTERVAL_MILLIS)) {
                    continue;  // every permit awaits a confirm: look at the deadlines again
                }
                permitHeld = true;
                Unconfirmed.Pending first = waiting.next(WATCH_INTERVAL_MILLIS);
                if (first == null) {
                    if (!brokerReachable) {
                        channel();  // probe, so that the lane takes votes again once the broker is back
                    }
                    continue;
                }
                batch.add(first);
                waiting.drainTo(batch, maxBatch - 1);
                VoteCodec.Encoded message = messages.prepare(batch);  // admits in Redis what needs it
                if (message == null) {
                    continue;
                }
                Channel current = channel();
                permitHeld = false;  // from here the permit belongs to the message and is released when it settles
                channel.publish(current, batch, message);
                backoffMillis = BACKOFF.firstMillis();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (IOException | RuntimeException e) {  // ShutdownSignalException is one: the channel died
                log.warn("publish lane {}: broker unavailable: {}", id, e.toString());
                brokerReachable = false;
                // A batch written to the channel was failed as unconfirmed by publish(); this reaches only the rest.
                Unconfirmed.fail(batch, PublishFailure.notQueued(String.valueOf(e.getMessage())));
                failWaiting(e);
                sleep(backoffMillis);
                backoffMillis = BACKOFF.after(backoffMillis);
            } finally {
                if (permitHeld) {
                    unconfirmed.unreserve();
                }
                batch.clear();
            }
        }
        failWaiting(new IOException("the API is shutting down"));
    }

    /**
     * Fails what is past its deadline: a message the broker has not confirmed in time (it may still
     * be confirmed and counted later, so its votes are unconfirmed, not refused), and votes that
     * waited that long for a permit and were never sent. Checked at most every watch interval.
     */
    void expireOverdue() {
        long now = nanoTime.getAsLong();
        if (now - lastWatch < WATCH_INTERVAL_MILLIS * 1_000_000) {
            return;
        }
        lastWatch = now;
        if (unconfirmed.expire(confirmTimeoutNanos, PublishFailure.unconfirmed("the broker did not confirm the vote in time")) > 0) {
            channel.giveUpConnection("no confirm within " + confirmTimeoutNanos / 1_000_000 + " ms");  // a hung node, say
        }
        waiting.expire(confirmTimeoutNanos, PublishFailure.notQueued("the broker took no message for the vote in time"));
    }

    /** The lane's channel; opening one means the broker is reachable again. */
    private Channel channel() throws IOException {
        Channel current = channel.open();
        brokerReachable = true;
        return current;
    }

    /** Votes still waiting were never sent. */
    private void failWaiting(Exception cause) {
        waiting.failAll(PublishFailure.notQueued(String.valueOf(cause.getMessage())));
    }

    void stop() {
        stopping = true;
    }

    /** Waits until every message published so far is settled, up to the deadline. */
    boolean awaitSettled(long deadlineNanos) throws InterruptedException {
        while ((!unconfirmed.isEmpty() || !waiting.isEmpty()) && nanoTime.getAsLong() < deadlineNanos) {
            Thread.sleep(10);
        }
        return unconfirmed.isEmpty();
    }

    /** Once the lane has stopped: closes its channel and fails whatever is still unsettled. */
    void close() {
        channel.close();
        unconfirmed.abandon(PublishFailure.unconfirmed("the API shut down before the broker confirmed the vote"));
        failWaiting(new IOException("the API is shutting down"));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
