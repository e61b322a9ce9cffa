package dev.voting.worker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import dev.voting.shared.amqp.Channels;
import dev.voting.shared.amqp.ConnectionHolder;
import dev.voting.shared.vote.VoteCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One consuming channel of a lane, from its opening to its closing: the lane opens one, takes its
 * deliveries, acks them, and closes it on every way out, so that what it left unacked goes back to
 * the queue at once. Each delivery is decoded on a virtual thread of its own, but handed on in
 * delivery order (its future is queued before it is decoded): a batch is then a run of consecutive
 * tags, acked in one frame ({@link AckPlan}).
 *
 * <p>The channel is used by the lane's thread alone; the broker's dispatch thread only queues.
 */
final class Subscription implements BatchCollector.Source<Inbound>, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Subscription.class);

    private final Channel channel;
    private final String owner;
    private final BlockingQueue<CompletableFuture<Inbound>> inbox = new LinkedBlockingQueue<>();
    /** Counted down once the broker will deliver nothing more: the consumer is cancelled, or the channel closed. */
    private final CountDownLatch delivering = new CountDownLatch(1);
    private final AckPlan acks = new AckPlan();
    private final String consumerTag;

    private Subscription(Channel channel, String owner, String queue, VoteCodec codec, WorkerMetrics metrics) throws IOException {
        this.channel = channel;
        this.owner = owner;
        this.consumerTag = channel.basicConsume(queue, false, new DefaultConsumer(channel) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
                if (envelope.isRedeliver()) {
                    metrics.redelivered();
                }
                long deliveryTag = envelope.getDeliveryTag();
                inbox.add(CompletableFuture.supplyAsync(() -> Inbound.decode(codec, deliveryTag, properties, body),
                        decoding -> Thread.ofVirtual().name("delivery-" + deliveryTag).start(decoding)));
            }

            @Override
            public void handleCancelOk(String tag) {
                delivering.countDown();
            }

            @Override
            public void handleCancel(String tag) {
                delivering.countDown();
            }

            @Override
            public void handleShutdownSignal(String tag, ShutdownSignalException signal) {
                delivering.countDown();
            }
        });
    }

    /** Opens a channel and consumes {@code queue} on it, at most {@code prefetch} deliveries unacked. */
    static Subscription open(ConnectionHolder connection, String owner, LaneSettings settings, LaneServices services)
            throws IOException {
        Channel channel = connection.openChannel();
        try {
            channel.basicQos(settings.prefetch());
            return new Subscription(channel, owner, settings.queue(), services.codec(), services.metrics());
        } catch (IOException | RuntimeException e) {
            Channels.closeQuietly(channel, owner);
            throw e;
        }
    }

    boolean isOpen() {
        return channel.isOpen();
    }

    /** The next delivery, decoded; null when none came within the timeout. */
    @Override
    public Inbound poll(long timeoutNanos) throws InterruptedException {
        CompletableFuture<Inbound> next = inbox.poll(timeoutNanos, TimeUnit.NANOSECONDS);
        return next == null ? null : decoded(next);
    }

    /**
     * Stops the deliveries and returns those the broker had already sent, in delivery order. Waits
     * (up to {@code wait}) for the broker's word that nothing more comes; whatever comes later stays
     * unacked and goes back to the queue when the channel closes. Empty when the channel is closed.
     */
    List<Inbound> cancel(Duration wait) throws InterruptedException {
        try {
            channel.basicCancel(consumerTag);
        } catch (IOException | RuntimeException e) {
            log.debug("{}: cancel: {}", owner, e.toString());
            return List.of();  // the channel is closed: the broker redelivers everything it held
        }
        if (!delivering.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
            log.warn("{}: the broker did not confirm the cancel within {} ms", owner, wait.toMillis());
        }
        List<CompletableFuture<Inbound>> sent = new ArrayList<>();
        inbox.drainTo(sent);
        List<Inbound> rest = new ArrayList<>(sent.size());
        for (CompletableFuture<Inbound> delivery : sent) {
            rest.add(decoded(delivery));
        }
        return rest;
    }

    /** Acks a settled batch (its tags in delivery order), but for the deliveries already settled alone. */
    void ack(List<Long> tags, Set<Long> settledAlone) {
        AckPlan.Acks planned = acks.settle(tags, settledAlone);
        try {
            if (planned.upTo() > 0) {
                channel.basicAck(planned.upTo(), true);
            }
            for (long tag : planned.singles()) {
                channel.basicAck(tag, false);
            }
        } catch (IOException | RuntimeException e) {
            // The channel died after the commit: the broker redelivers, and the rewrite counts nothing twice.
            log.debug("{}: acks of {} deliveries lost: {}", owner, tags.size(), e.toString());
        }
    }

    /** Acks one delivery now, ahead of its batch (a dead letter the broker confirmed). */
    void ackAlone(long tag) throws IOException {
        channel.basicAck(tag, false);
    }

    /** Hands one delivery to the broker's own dead-lettering. */
    void reject(long tag) throws IOException {
        channel.basicReject(tag, false);
    }

    @Override
    public void close() {
        Channels.closeQuietly(channel, owner);
    }

    private static Inbound decoded(CompletableFuture<Inbound> delivery) throws InterruptedException {
        try {
            return delivery.get();
        } catch (ExecutionException e) {
            // A bug, not bad input (that is Unreadable): the lane closes the channel, the broker redelivers,
            // and past the queue's delivery limit dead-letters the message.
            throw new IllegalStateException("decoding a delivery failed", e.getCause());
        }
    }
}
