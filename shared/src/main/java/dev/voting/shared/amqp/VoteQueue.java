package dev.voting.shared.amqp;

import com.rabbitmq.client.Channel;
import dev.voting.shared.config.Config;
import dev.voting.shared.lifecycle.StartupException;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The queue topology, declared identically by the API and the worker (a mismatch would be refused
 * by the broker): a quorum queue with a delivery limit, a maximum length that refuses publishes
 * when reached, and a dead-letter queue {@code <name>.dlq} that keeps what cannot be processed (G6).
 * Both are replicated on {@code RABBITMQ_QUORUM_SIZE} nodes, so that a vote confirmed by a majority
 * of them survives the loss of any minority.
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
        channel.queueDeclare(config.deadLetterQueue(), true, false, false, deadLetterArguments(config));
        channel.queueDeclare(config.queue(), true, false, false, arguments(config));
    }

    static Map<String, Object> deadLetterArguments(Config.Rabbit config) {
        return replicated(config, Map.of("x-queue-type", "quorum"));
    }

    static Map<String, Object> arguments(Config.Rabbit config) {
        return replicated(config, Map.of(
                "x-queue-type", "quorum",
                "x-delivery-limit", config.deliveryLimit(),
                "x-max-length", config.maxLength(),
                "x-overflow", "reject-publish",
                "x-dead-letter-exchange", "",
                "x-dead-letter-routing-key", config.deadLetterQueue(),
                // at-least-once: a dead letter is only dropped from the main queue once the DLQ has it
                "x-dead-letter-strategy", "at-least-once"));
    }

    /** 0 leaves the size out, for a queue an earlier version declared without it (the broker refuses a changed argument). */
    private static Map<String, Object> replicated(Config.Rabbit config, Map<String, Object> arguments) {
        if (config.quorumSize() == 0) {
            return arguments;
        }
        Map<String, Object> withSize = new HashMap<>(arguments);
        withSize.put("x-quorum-initial-group-size", config.quorumSize());
        return Map.copyOf(withSize);
    }
}
