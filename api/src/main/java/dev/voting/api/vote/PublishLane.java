package dev.voting.api.vote;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.ShutdownSignalException;
import dev.voting.shared.amqp.ConnectionHolder;
import dev.voting.shared.vote.VoteCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One channel in confirm mode and the one thread that publishes on it: group commit for votes.
 *
 * <p>Votes queue up here while the channel has {@code maxInFlight} messages awaiting their confirm;
 * the next message then carries every vote that waited (up to {@code maxBatch}). Under light load a
 * vote is published at once, alone; under heavy load many votes share one persistent message and
 * one confirm, which is what lets the broker keep up. Each vote's future completes when the broker
 * confirms its message, and fails with a {@link PublishFailure} that says whether the vote may
 * still be queued: not when it was never sent or the broker refused or returned it; maybe when the
 * channel died after the write or no confirm came within {@code confirmTimeout} of the vote's
 * submission. The lane keeps that deadline itself, so that a waiting request needs no timer of its own.
 */
final class PublishLane implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(PublishLane.class);
    private static final long WATCH_INTERVAL_MILLIS = 100;

    record Pending(String voteJson, CompletableFuture<Void> confirmed, long submittedAt) {
    }

    private record InFlight(List<Pending> votes, long publishedAt) {
    }

    /** Called with the batch size and confirm latency of every confirmed message. */
    interface Observer {
        void confirmed(int votes, long nanos);
    }

    private final int id;
    private final ConnectionHolder connection;
    private final String queue;
    private final VoteCodec codec;
    private final int maxBatch;
    private final Semaphore inFlightPermits;
    private final Observer observer;
    private final long confirmTimeoutNanos;
    private long lastWatch = System.nanoTime();
    private final BlockingQueue<Pending> waiting = new LinkedBlockingQueue<>();
    private final ConcurrentNavigableMap<Long, InFlight> inFlight = new ConcurrentSkipListMap<>();
    private final Set<Long> returned = ConcurrentHashMap.newKeySet();
    private volatile Channel channel;
    private volatile boolean brokerReachable = true;
    private volatile boolean stopping;

    PublishLane(int id, ConnectionHolder connection, String queue, VoteCodec codec, int maxBatch, int maxInFlight,
                Duration confirmTimeout, Observer observer) {
        this.id = id;
        this.connection = connection;
        this.queue = queue;
        this.codec = codec;
        this.maxBatch = maxBatch;
        this.inFlightPermits = new Semaphore(maxInFlight);
        this.observer = observer;
        this.confirmTimeoutNanos = confirmTimeout.toNanos();
    }

    CompletableFuture<Void> submit(String voteJson) {
        CompletableFuture<Void> confirmed = new CompletableFuture<>();
        if (stopping || !brokerReachable) {
            confirmed.completeExceptionally(PublishFailure.notQueued(stopping ? "the API is shutting down" : "the broker is unreachable"));
        } else {
            waiting.add(new Pending(voteJson, confirmed, System.nanoTime()));
        }
        return confirmed;
    }

    boolean isHealthy() {
        return brokerReachable && channel != null && channel.isOpen();
    }

    @Override
    public void run() {
        List<Pending> batch = new ArrayList<>(maxBatch);
        long backoffMillis = 100;
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
                if (!inFlightPermits.tryAcquire(WATCH_INTERVAL_MILLIS, TimeUnit.MILLISECONDS)) {
                    continue;  // every permit awaits a confirm: look at the deadlines again
                }
                permitHeld = true;
                Pending first = waiting.poll(WATCH_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (!brokerReachable) {
                        channel();  // probe, so that the lane takes votes again once the broker is back
                    }
                    continue;
                }
                batch.add(first);
                waiting.drainTo(batch, maxBatch - 1);
                VoteCodec.Encoded message = encode(batch);
                if (message == null) {
                    continue;
                }
                Channel current = channel();
                permitHeld = false;  // from here the permit belongs to the message and is released when it settles
                publish(current, batch, message);
                backoffMillis = 100;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (IOException | RuntimeException e) {  // ShutdownSignalException is one: the channel died
                log.warn("publish lane {}: broker unavailable: {}", id, e.toString());
                brokerReachable = false;
                // A batch written to the channel was failed as unconfirmed by publish(); this reaches only the rest.
                failAll(batch, PublishFailure.notQueued(String.valueOf(e.getMessage())));
                failWaiting(e);
                sleep(backoffMillis);
                backoffMillis = Math.min(backoffMillis * 2, 2_000);
            } finally {
                if (permitHeld) {
                    inFlightPermits.release();
                }
                batch.clear();
            }
        }
        failWaiting(new IOException("the API is shutting down"));
    }

    /** The batch as one message, or null when it cannot be written: then its votes fail, unsent, and nothing else does. */
    private VoteCodec.Encoded encode(List<Pending> batch) {
        try {
            return codec.encodeJson(batch.stream().map(Pending::voteJson).toList());
        } catch (RuntimeException e) {
            log.error("publish lane {}: a batch of {} votes could not be encoded", id, batch.size(), e);
            failAll(batch, PublishFailure.notQueued("the vote could not be encoded"));
            return null;
        }
    }

    /**
     * Fails what is past its deadline: a message the broker has not confirmed in time (it may still
     * be confirmed and counted later, so its votes are unconfirmed, not refused), and votes that
     * waited that long for a permit and were never sent. Checked at most every watch interval.
     */
    private void expireOverdue() {
        long now = System.nanoTime();
        if (now - lastWatch < WATCH_INTERVAL_MILLIS * 1_000_000) {
            return;
        }
        lastWatch = now;
        PublishFailure unconfirmed = PublishFailure.unconfirmed("the broker did not confirm the vote in time");
        for (Map.Entry<Long, InFlight> entry : inFlight.entrySet()) {
            if (overdue(entry.getValue().votes().getFirst(), now) && inFlight.remove(entry.getKey(), entry.getValue())) {
                inFlightPermits.release();
                failAll(entry.getValue().votes(), unconfirmed);
            }
        }
        PublishFailure unsent = PublishFailure.notQueued("the broker took no message for the vote in time");
        for (Pending head = waiting.peek(); head != null && overdue(head, now); head = waiting.peek()) {
            waiting.remove(head);
            head.confirmed().completeExceptionally(unsent);
        }
    }

    private boolean overdue(Pending vote, long now) {
        return now - vote.submittedAt() > confirmTimeoutNanos;
    }

    /**
     * Publishes one message holding the whole batch; the permit taken for it is released when it
     * settles. A write that fails may still have reached the broker: its votes are unconfirmed.
     */
    private void publish(Channel current, List<Pending> batch, VoteCodec.Encoded message) throws IOException {
        long sequence = current.getNextPublishSeqNo();
        inFlight.put(sequence, new InFlight(List.copyOf(batch), System.nanoTime()));
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                .deliveryMode(2)
                .contentType(VoteCodec.CONTENT_TYPE)
                .type(message.type())
                .messageId(Long.toString(sequence))
                .build();
        try {
            current.basicPublish("", queue, true, properties, message.body());
        } catch (IOException | RuntimeException e) {
            InFlight written = inFlight.remove(sequence);
            if (written != null) {  // else the channel's shutdown already settled it
                inFlightPermits.release();
                failAll(written.votes(), PublishFailure.unconfirmed("the broker connection failed while the vote was sent"));
            }
            throw e;
        }
    }

    /** The lane's channel, opened (with its listeners) when there is none or it died. */
    private Channel channel() throws IOException {
        Channel current = channel;
        if (current != null && current.isOpen()) {
            return current;
        }
        current = connection.openChannel();
        current.confirmSelect();
        current.addConfirmListener(new ConfirmListener() {
            @Override
            public void handleAck(long sequence, boolean multiple) {
                settle(sequence, multiple, null);
            }

            @Override
            public void handleNack(long sequence, boolean multiple) {
                settle(sequence, multiple, PublishFailure.notQueued("the broker refused the vote (the queue may be full)"));
            }
        });
        // Mandatory publishes come back here when the queue is missing; the ack that follows must fail them.
        current.addReturnListener(returnedMessage -> returned.add(Long.parseLong(returnedMessage.getProperties().getMessageId())));
        Channel opened = current;
        current.addShutdownListener(cause -> abandonInFlight(opened, cause));
        channel = current;
        brokerReachable = true;
        return current;
    }

    private void settle(long sequence, boolean multiple, Exception failure) {
        Map<Long, InFlight> settled = multiple ? inFlight.headMap(sequence, true) : Map.of();
        List<Map.Entry<Long, InFlight>> done = new ArrayList<>();
        if (multiple) {
            for (Map.Entry<Long, InFlight> entry : settled.entrySet()) {
                done.add(entry);
            }
        } else {
            InFlight one = inFlight.get(sequence);
            if (one != null) {
                done.add(Map.entry(sequence, one));
            }
        }
        long now = System.nanoTime();
        for (Map.Entry<Long, InFlight> entry : done) {
            if (inFlight.remove(entry.getKey()) == null) {
                continue;
            }
            inFlightPermits.release();
            Exception outcome = failure != null ? failure
                    : returned.remove(entry.getKey()) ? PublishFailure.notQueued("the vote queue does not exist") : null;
            for (Pending pending : entry.getValue().votes()) {
                if (outcome == null) {
                    pending.confirmed().complete(null);
                } else {
                    pending.confirmed().completeExceptionally(outcome);
                }
            }
            if (outcome == null) {
                observer.confirmed(entry.getValue().votes().size(), now - entry.getValue().publishedAt());
            }
        }
    }

    /** A channel that dies leaves its unconfirmed messages in doubt: the broker may have queued them. */
    private void abandonInFlight(Channel dead, ShutdownSignalException cause) {
        if (channel == dead) {
            channel = null;
        }
        if (!cause.isInitiatedByApplication()) {
            log.warn("publish lane {}: channel closed: {}", id, cause.getMessage());
        }
        for (Long sequence : inFlight.keySet()) {
            InFlight lost = inFlight.remove(sequence);
            if (lost != null) {
                inFlightPermits.release();
                failAll(lost.votes(), PublishFailure.unconfirmed("the broker connection closed before the confirm"));
            }
        }
        returned.clear();
    }

    private static void failAll(List<Pending> batch, PublishFailure failure) {
        batch.forEach(p -> p.confirmed().completeExceptionally(failure));
    }

    /** Votes still waiting were never sent. */
    private void failWaiting(Exception cause) {
        List<Pending> drained = new ArrayList<>();
        waiting.drainTo(drained);
        failAll(drained, PublishFailure.notQueued(String.valueOf(cause.getMessage())));
    }

    void stop() {
        stopping = true;
    }

    /** Waits until every message published so far is settled, up to the deadline. */
    boolean awaitSettled(long deadlineNanos) throws InterruptedException {
        while ((!inFlight.isEmpty() || !waiting.isEmpty()) && System.nanoTime() < deadlineNanos) {
            Thread.sleep(10);
        }
        return inFlight.isEmpty();
    }

    void closeChannel() {
        Channel current = channel;
        if (current != null && current.isOpen()) {
            try {
                current.close();
            } catch (IOException | TimeoutException | RuntimeException e) {
                log.debug("publish lane {}: close: {}", id, e.toString());
            }
        }
    }

    /** Fails whatever is still unsettled once the lane has stopped and its channel is closed. */
    void abandonRest() {
        for (Long sequence : inFlight.keySet()) {
            InFlight lost = inFlight.remove(sequence);
            if (lost != null) {
                failAll(lost.votes(), PublishFailure.unconfirmed("the API shut down before the broker confirmed the vote"));
            }
        }
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
