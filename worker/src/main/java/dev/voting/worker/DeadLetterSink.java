package dev.voting.worker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import dev.voting.shared.amqp.Channels;
import dev.voting.shared.amqp.ConnectionHolder;
import dev.voting.shared.amqp.VoteQueue;
import dev.voting.shared.config.Config;

import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * Puts a message that cannot be counted into {@code <queue>.dlq} with the reason in a header, and
 * returns only once the broker confirmed it, so that the caller may ack the original (G6): the
 * message is never in neither queue. The broker's own dead-lettering (a reject) keeps no reason,
 * which is why this republishes. One per lane: its channel is used by the lane's thread only.
 */
final class DeadLetterSink implements AutoCloseable {
    /** Why the message was dead-lettered, for {@code make dlq}. */
    static final String REASON = "x-voting-reason";
    /** The queue it came from, where {@code make dlq-replay} puts it back. */
    static final String SOURCE_QUEUE = "x-voting-source-queue";
    static final String DEAD_LETTERED_AT = "x-voting-dead-lettered-at";

    private static final long CONFIRM_TIMEOUT_MILLIS = 10_000;

    private final ConnectionHolder connection;
    private final Config.Rabbit topology;
    private final String sourceQueue;
    private final String deadLetterQueue;
    private Channel channel;
    /** Set by the broker's basic.return, which comes before the confirm of a message no queue took. */
    private volatile boolean returned;

    DeadLetterSink(ConnectionHolder connection, Config.Rabbit topology) {
        this.connection = connection;
        this.topology = topology;
        this.sourceQueue = topology.queue();
        this.deadLetterQueue = topology.deadLetterQueue();
    }

    /** Publishes the message to the DLQ and waits for the broker's confirm; throws when it is not confirmed. */
    void send(AMQP.BasicProperties original, byte[] body, String reason) throws IOException, InterruptedException {
        Map<String, Object> headers = new HashMap<>();
        if (original != null && original.getHeaders() != null) {
            headers.putAll(original.getHeaders());
        }
        headers.put(REASON, reason.length() > 1000 ? reason.substring(0, 1000) : reason);
        headers.put(SOURCE_QUEUE, sourceQueue);
        headers.put(DEAD_LETTERED_AT, Instant.now().toString());
        AMQP.BasicProperties properties = (original == null ? new AMQP.BasicProperties() : original).builder()
                .headers(headers)
                .deliveryMode(2)
                .build();
        Channel current = channel();
        if (publish(current, properties, body)) {
            return;
        }
        // Confirmed but routed nowhere: someone deleted the DLQ. Declare the topology again, once.
        VoteQueue.declare(current, topology);
        if (!publish(current, properties, body)) {
            throw new IOException("the dead-letter queue " + deadLetterQueue + " does not take messages");
        }
    }

    /** True when the broker confirmed the message and a queue took it. */
    private boolean publish(Channel current, AMQP.BasicProperties properties, byte[] body) throws IOException, InterruptedException {
        returned = false;
        try {
            current.basicPublish("", deadLetterQueue, true, properties, body);
            current.waitForConfirmsOrDie(CONFIRM_TIMEOUT_MILLIS);
        } catch (TimeoutException e) {
            throw new IOException("the broker did not confirm the dead letter in time", e);
        }
        return !returned;
    }

    private Channel channel() throws IOException {
        if (channel == null || !channel.isOpen()) {
            channel = connection.openChannel();
            channel.confirmSelect();
            channel.addReturnListener(message -> returned = true);
        }
        return channel;
    }

    @Override
    public void close() {
        Channels.closeQuietly(channel, "dead-letter sink");  // nothing is unconfirmed here once send returned
    }
}
