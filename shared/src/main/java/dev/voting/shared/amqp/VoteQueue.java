package dev.voting.shared.amqp;

import com.rabbitmq.client.Channel;
import dev.voting.shared.config.Config;
import dev.voting.shared.lifecycle.StartupException;

import java.io.IOException;
import java.util.Map;

/**
 * The queue topology, declared identically by the API and the worker (a mismatch would be refused
 * by the broker): a quorum queue with a delivery limit, a maximum length that refuses publishes
 * when reached, and a dead-letter queue {@code <name>.dlq} that keeps what cannot be processed (G6).
 */
public final class VoteQueue {
    private VoteQueue() {
    }

    /** Declares the topology as a process starts: a failure ends start-up naming the queue and the broker. */
    public static void declareAtStartup(ConnectionHolder rabbit, Amqp amqp, Config.Rabbit config) {
        try (Channel channel = rabbit.openChannel()) {
            declare(channel, config);
        } catch (Exception e) {
            throw new StartupException("cannot declare the queue " + config.queue() + " on RabbitMQ at "
                    + amqp.where() + ": " + e.getMessage(), e);
        }
    }

    public static void declare(Channel channel, Config.Rabbit config) throws IOException {
        channel.queueDeclare(config.deadLetterQueue(), true, false, false, Map.of("x-queue-type", "quorum"));
        channel.queueDeclare(config.queue(), true, false, false, Map.of(
                "x-queue-type", "quorum",
                "x-delivery-limit", config.deliveryLimit(),
                "x-max-length", config.maxLength(),
                "x-overflow", "reject-publish",
                "x-dead-letter-exchange", "",
                "x-dead-letter-routing-key", config.deadLetterQueue(),
                // at-least-once: a dead letter is only dropped from the main queue once the DLQ has it
                "x-dead-letter-strategy", "at-least-once"));
    }
}
