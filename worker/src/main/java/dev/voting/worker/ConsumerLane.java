package dev.voting.worker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.voting.shared.amqp.ConnectionHolder;
import dev.voting.shared.logging.RequestIds;
import dev.voting.shared.vote.UnreadableMessageException;
import dev.voting.shared.vote.Vote;
import dev.voting.shared.vote.VoteCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import redis.clients.jedis.exceptions.JedisException;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeoutException;

/**
 * One consuming channel and the thread that turns its deliveries into batches.
 *
 * <p>Each delivery is decoded on a virtual thread of its own and handed to this lane's inbox. The
 * lane gathers deliveries until the batch holds {@code batchSize} votes or {@code batchMaxWait}
 * has passed since the first, writes them in one transaction, brings Redis level, and only then
 * acks them. While PostgreSQL or Redis is away, or PostgreSQL refuses the batch for any reason but
 * its data, the lane holds the batch and retries with backoff ({@link RetryingWriter}): the messages
 * stay unacked and nothing goes to the dead-letter queue for want of a database. A vote PostgreSQL
 * refuses for its own data goes to the dead-letter queue alone, and its message is acked with the
 * batch once every other vote in it is counted.
 */
final class ConsumerLane implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(ConsumerLane.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final int id;
    private final ConnectionHolder connection;
    private final String queue;
    private final int prefetch;
    private final VoteCodec codec;
    private final RetryingWriter writer;
    private final LiveCounts liveCounts;
    private final CommitObserver observer;
    private final WorkerMetrics metrics;
    private final DeadLetterSink deadLetters;
    private final BlockingQueue<Inbound> inbox = new LinkedBlockingQueue<>();
    private final BatchCollector<Inbound> collector;
    private volatile boolean stopping;
    private volatile Channel channel;
    /** The unacked deliveries of {@link #channel}; replaced with it, read only by the lane's thread. */
    private UnackedDeliveries unacked;
    private volatile String consumerTag;

    ConsumerLane(int id, ConnectionHolder connection, String queue, int prefetch, int batchSize, Duration batchMaxWait,
                 VoteCodec codec, VoteWriter writer, LiveCounts liveCounts, CommitObserver observer, WorkerMetrics metrics,
                 DeadLetterSink deadLetters) {
        this.id = id;
        this.connection = connection;
        this.queue = queue;
        this.prefetch = prefetch;
        this.codec = codec;
        this.writer = new RetryingWriter(id, writer, this::pause);
        this.liveCounts = liveCounts;
        this.observer = observer;
        this.metrics = metrics;
        this.deadLetters = deadLetters;
        this.collector = new BatchCollector<>(inbox, ConsumerLane::voteCount, batchSize, batchMaxWait, Duration.ofMillis(200));
    }

    @Override
    public void run() {
        long backoff = 100;
        while (!stopping) {
            try {
                consume();
                backoff = 100;
            } catch (IOException | RuntimeException e) {
                log.warn("lane {}: broker unavailable, retrying in {} ms: {}", id, backoff, e.toString());
                sleep(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF.toMillis());
            }
        }
        finishAfterCancel();
    }

    boolean isConsuming() {
        Channel current = channel;
        return current != null && current.isOpen();
    }

    /** True while the lane holds a batch that PostgreSQL does not take: readiness names PostgreSQL. */
    boolean isHoldingWrites() {
        return writer.isHolding();
    }

    /** Stops taking deliveries; {@link #run()} then finishes what it holds and returns. */
    void stop() {
        stopping = true;
        Channel current = channel;
        String tag = consumerTag;
        if (current != null && tag != null && current.isOpen()) {
            try {
                current.basicCancel(tag);
            } catch (IOException | RuntimeException e) {
                log.debug("lane {}: cancel: {}", id, e.toString());
            }
        }
    }

    private void consume() throws IOException {
        // A lane that failed must not leave its old consumer behind: it would go on taking deliveries
        // that nobody acks, and hold the failed batch's messages back from redelivery.
        closeChannel();
        Channel current = connection.openChannel();
        current.basicQos(prefetch);
        UnackedDeliveries tracked = new UnackedDeliveries();
        unacked = tracked;
        channel = current;
        consumerTag = current.basicConsume(queue, false, new DefaultConsumer(current) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
                if (envelope.isRedeliver()) {
                    metrics.redelivered();
                }
                tracked.delivered(envelope.getDeliveryTag());
                Thread.ofVirtual().name("delivery-", envelope.getDeliveryTag())
                        .start(() -> inbox.add(decode(current, envelope.getDeliveryTag(), properties, body)));
            }
        });
        while (!stopping && current.isOpen()) {
            List<Inbound> batch = collect();
            if (!batch.isEmpty()) {
                process(batch);
            }
        }
    }

    private Inbound decode(Channel from, long tag, AMQP.BasicProperties properties, byte[] body) {
        try {
            return new Inbound.Readable(from, tag, codec.decode(properties.getType(), body));
        } catch (UnreadableMessageException e) {
            return new Inbound.Unreadable(from, tag, properties, body, e.getMessage());
        }
    }

    private List<Inbound> collect() {
        try {
            return collector.next();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
            return List.of();
        }
    }

    private void process(List<Inbound> batch) {
        List<Inbound.Readable> readable = new ArrayList<>(batch.size());
        for (Inbound inbound : batch) {
            if (!inbound.channel().isOpen()) {
                continue;  // its channel died: the broker redelivers it to whoever consumes next
            }
            switch (inbound) {
                case Inbound.Unreadable u -> deadLetter(u);
                case Inbound.Readable r -> readable.add(r);
            }
        }
        if (readable.isEmpty()) {
            return;
        }
        String requestIds = BatchRequestIds.of(readable);
        if (requestIds != null) {
            MDC.put(RequestIds.MDC_KEY, requestIds);  // every line logged about this batch names its requests
        }
        try {
            write(readable);
        } catch (Abandoned e) {
            log.info("lane {}: stopping; {} unacked deliveries will be redelivered", id, readable.size());
        } finally {
            MDC.remove(RequestIds.MDC_KEY);
        }
    }

    /**
     * Writes, publishes and acks a batch. Each committed part is brought to Redis at once; a vote
     * refused for its data is dead-lettered alone. The deliveries are acked when all their votes are
     * settled, except those that had to be rejected whole to the broker's dead-lettering.
     */
    private void write(List<Inbound.Readable> deliveries) throws Abandoned {
        List<Vote> votes = new ArrayList<>();
        deliveries.forEach(d -> votes.addAll(d.votes()));
        long start = System.nanoTime();
        Set<Inbound.Readable> rejected = new HashSet<>();
        writer.write(votes, outcome -> {
            switch (outcome) {
                case RetryingWriter.Outcome.Committed(BatchResult result, List<Vote> part) -> {
                    observer.committed(result);
                    publishRetrying(result, part);
                    metrics.batch(result, System.nanoTime() - start);
                    log.debug("lane {}: {} votes committed: {} counted, {} duplicates, rejected {}", id, part.size(),
                            result.counted().size(), result.duplicates(), result.rejectedByReason());
                }
                case RetryingWriter.Outcome.Refused(Vote vote, SQLException error) -> deadLetter(vote, error, deliveries, rejected);
            }
        });
        ack(deliveries.stream().filter(d -> !rejected.contains(d)).toList());
    }

    private void publishRetrying(BatchResult result, List<Vote> votes) throws Abandoned {
        long backoff = 100;
        while (true) {
            try {
                liveCounts.publish(result, votes);
                return;
            } catch (JedisException e) {
                log.warn("lane {}: Redis unavailable, holding a committed batch, retrying in {} ms: {}", id, backoff, e.toString());
            }
            backoff = pause(backoff);
        }
    }

    private long pause(long backoff) throws Abandoned {
        if (stopping) {
            throw new Abandoned();
        }
        metrics.retried();
        sleep(backoff);
        return Math.min(backoff * 2, MAX_BACKOFF.toMillis());
    }

    /** Acks a committed batch in as few frames as is safe ({@link UnackedDeliveries}). */
    private void ack(List<Inbound.Readable> deliveries) {
        Channel current = channel;
        List<Long> tags = new ArrayList<>(deliveries.size());
        for (Inbound.Readable delivery : deliveries) {
            if (delivery.channel() == current) {
                tags.add(delivery.tag());
            }  // else its channel died: the broker redelivers it, and the rewrite counts nothing twice
        }
        UnackedDeliveries.Acks acks = unacked.settle(tags);
        try {
            if (acks.upTo() > 0) {
                current.basicAck(acks.upTo(), true);
            }
            for (long tag : acks.singles()) {
                current.basicAck(tag, false);
            }
        } catch (IOException | RuntimeException e) {
            // The channel died after the commit: the broker redelivers, and the rewrite counts nothing twice.
            log.debug("lane {}: acks of {} deliveries lost: {}", id, tags.size(), e.toString());
        }
    }

    /** Moves an unreadable delivery to the dead-letter queue with its reason, then acks it (G6: confirmed first). */
    private void deadLetter(Inbound.Unreadable delivery) {
        log.warn("lane {}: dead-lettering delivery {}: {}", id, delivery.tag(), delivery.reason());
        if (!sentToDeadLetters(delivery.properties(), delivery.body(), delivery.reason())) {
            reject(delivery.channel(), delivery.tag());
            return;
        }
        try {
            delivery.channel().basicAck(delivery.tag(), false);
            settledAlone(delivery.channel(), delivery.tag());
        } catch (IOException | RuntimeException e) {
            // its channel died: the broker redelivers it and it is dead-lettered again (at least once)
            log.debug("lane {}: ack of dead letter {} lost: {}", id, delivery.tag(), e.toString());
        }
    }

    /**
     * Moves one vote PostgreSQL refused for its data to the dead-letter queue, alone, with the reason.
     * Its deliveries are acked with the rest of the batch. When the dead letter is not confirmed they
     * are rejected instead: the broker dead-letters the whole message (without the reason), whose
     * other votes, already counted, a replay counts nothing twice (G2, G6).
     */
    private void deadLetter(Vote vote, SQLException error, List<Inbound.Readable> deliveries, Set<Inbound.Readable> rejected) {
        List<Inbound.Readable> holding = deliveries.stream()
                .filter(d -> !rejected.contains(d) && d.votes().stream().anyMatch(v -> v.voteId().equals(vote.voteId())))
                .toList();
        if (holding.isEmpty()) {
            return;  // its message was rejected whole for another vote: the broker's dead-letter queue has it
        }
        String reason = "PostgreSQL refused the vote (SQLSTATE " + error.getSQLState() + "): " + error.getMessage();
        log.warn("lane {}: dead-lettering vote {} alone: {}", id, vote.voteId(), reason);
        VoteCodec.Encoded message = codec.encode(List.of(vote));
        var properties = new AMQP.BasicProperties.Builder().contentType(VoteCodec.CONTENT_TYPE).type(message.type()).build();
        if (sentToDeadLetters(properties, message.body(), reason)) {
            return;
        }
        for (Inbound.Readable delivery : holding) {
            reject(delivery.channel(), delivery.tag());
            rejected.add(delivery);
        }
    }

    /** True once the broker confirmed the dead letter; false (logged) when it did not. */
    private boolean sentToDeadLetters(AMQP.BasicProperties properties, byte[] body, String reason) {
        try {
            deadLetters.send(properties, body, reason);
            metrics.deadLettered();
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            log.warn("lane {}: dead letter not confirmed ({}); rejecting its delivery to the broker's dead-lettering", id, e.toString());
        }
        return false;
    }

    /** Hands a delivery to the broker's own dead-lettering, which keeps no reason but never drops it (G6). */
    private void reject(Channel from, long tag) {
        try {
            from.basicReject(tag, false);
            settledAlone(from, tag);
            metrics.deadLettered();
        } catch (IOException | RuntimeException e) {
            log.debug("lane {}: reject of {} lost: {}", id, tag, e.toString());
        }
    }

    private void settledAlone(Channel from, long tag) {
        if (from == channel) {
            unacked.settled(tag);
        }
    }

    /** After the consumer is cancelled: write what was already delivered (one attempt), ack it, close the channel. */
    private void finishAfterCancel() {
        sleep(50);  // deliveries being decoded reach the inbox
        List<Inbound> rest = new ArrayList<>();
        inbox.drainTo(rest);
        if (!rest.isEmpty()) {
            process(rest);
        }
        deadLetters.close();
        closeChannel();
    }

    private void closeChannel() {
        Channel current = channel;
        if (current != null && current.isOpen()) {
            try {
                current.close();
            } catch (IOException | TimeoutException | RuntimeException e) {
                log.debug("lane {}: close: {}", id, e.toString());
            }
        }
    }

    private static int voteCount(Inbound inbound) {
        return inbound instanceof Inbound.Readable r ? r.votes().size() : 1;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
