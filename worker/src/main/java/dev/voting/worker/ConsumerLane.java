package dev.voting.worker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.voting.shared.amqp.ConnectionHolder;
import dev.voting.shared.db.Postgres;
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
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeoutException;

/**
 * One consuming channel and the thread that turns its deliveries into batches.
 *
 * <p>Each delivery is decoded on a virtual thread of its own and handed to this lane's inbox. The
 * lane gathers deliveries until the batch holds {@code batchSize} votes or {@code batchMaxWait}
 * has passed since the first, writes them in one transaction, brings Redis level, and only then
 * acks them. While PostgreSQL or Redis is away the lane holds the batch and retries with backoff:
 * the messages stay unacked and nothing goes to the dead-letter queue for want of a database.
 */
final class ConsumerLane implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(ConsumerLane.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    /** The batch was given up because the worker is stopping; its messages will be redelivered. */
    private static final class Abandoned extends Exception {
        Abandoned() {
            super(null, null, false, false);
        }
    }

    private final int id;
    private final ConnectionHolder connection;
    private final String queue;
    private final int prefetch;
    private final VoteCodec codec;
    private final VoteWriter writer;
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
        this.writer = writer;
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
                case Inbound.Unreadable u -> deadLetter(u.channel(), u.tag(), u.properties(), u.body(), u.reason());
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
     * Writes, publishes and acks a batch. A batch that PostgreSQL refuses for its data (not for
     * being unavailable) is split, so that the one delivery at fault goes to the dead-letter queue
     * and the others are counted.
     */
    private void write(List<Inbound.Readable> deliveries) throws Abandoned {
        List<Vote> votes = new ArrayList<>();
        deliveries.forEach(d -> votes.addAll(d.votes()));
        long start = System.nanoTime();
        BatchResult result;
        try {
            result = writeRetrying(votes);
        } catch (SQLException e) {
            if (deliveries.size() == 1) {
                Inbound.Readable only = deliveries.getFirst();
                VoteCodec.Encoded message = codec.encode(only.votes());
                var properties = new AMQP.BasicProperties.Builder().contentType(VoteCodec.CONTENT_TYPE).type(message.type()).build();
                deadLetter(only.channel(), only.tag(), properties, message.body(), "PostgreSQL refused it: " + e.getMessage());
            } else {
                log.warn("lane {}: a batch of {} deliveries was refused ({}); writing them one by one", id, deliveries.size(), e.getMessage());
                for (Inbound.Readable delivery : deliveries) {
                    write(List.of(delivery));
                }
            }
            return;
        }
        observer.committed(result);
        publishRetrying(result, votes);
        ack(deliveries);
        metrics.batch(result, System.nanoTime() - start);
        log.debug("lane {}: batch committed and acked: {} counted, {} duplicates, rejected {}", id,
                result.counted().size(), result.duplicates(), result.rejectedByReason());
    }

    /** Retries while PostgreSQL is unavailable; returns a non-transient failure to the caller. */
    private BatchResult writeRetrying(List<Vote> votes) throws SQLException, Abandoned {
        long backoff = 100;
        while (true) {
            try {
                return writer.write(votes);
            } catch (SQLException e) {
                if (!Postgres.isTransient(e)) {
                    throw e;
                }
                log.warn("lane {}: PostgreSQL unavailable, holding {} votes, retrying in {} ms: {}", id, votes.size(), backoff, e.getMessage());
            }
            backoff = pause(backoff);
        }
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

    /**
     * Moves a delivery to the dead-letter queue with its reason, then acks it. When the DLQ publish
     * is not confirmed, the delivery is rejected instead: the broker dead-letters it (at-least-once),
     * without the reason header but never dropped (G6).
     */
    private void deadLetter(Channel from, long tag, AMQP.BasicProperties properties, byte[] body, String reason) {
        log.warn("lane {}: dead-lettering delivery {}: {}", id, tag, reason);
        try {
            deadLetters.send(properties, body, reason);
            from.basicAck(tag, false);
            settledAlone(from, tag);
            metrics.deadLettered();
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            log.warn("lane {}: dead letter {} not confirmed ({}); rejecting it to the broker's dead-lettering", id, tag, e.toString());
        }
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
