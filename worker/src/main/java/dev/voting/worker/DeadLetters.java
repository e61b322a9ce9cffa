package dev.voting.worker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import dev.voting.shared.amqp.Amqp;
import dev.voting.shared.config.Config;
import dev.voting.shared.config.ConfigException;
import dev.voting.shared.config.Secrets;
import dev.voting.shared.lifecycle.StartupException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * {@code make dlq} and {@code make dlq-replay}: what is in {@code <queue>.dlq} and why, and putting
 * it back on the main queue. Replaying is safe because the worker counts a vote at most once
 * whatever it is fed (G2); a message that is still unreadable simply comes back here.
 */
public final class DeadLetters implements AutoCloseable {
    /** One dead letter as an operator sees it. */
    public record Letter(String reason, String type, String sourceQueue, String deadLetteredAt, byte[] body) {
        public String preview() {
            String text = new String(body, StandardCharsets.UTF_8).replaceAll("\\p{Cntrl}", "?");
            return text.length() > 120 ? text.substring(0, 120) + "…" : text;
        }
    }

    private static final long CONFIRM_TIMEOUT_MILLIS = 10_000;
    /** One run handles at most this many; run it again for the rest. */
    private static final int MAX_MESSAGES = 100_000;

    private final Config.Rabbit config;
    private final Amqp amqp;
    private final Connection connection;

    public DeadLetters(Config.Rabbit config) {
        this.config = config;
        this.amqp = new Amqp(config);
        this.connection = amqp.connectAtStartup("voting-dlq");
    }

    /** False when the broker has no such queue: no worker or API has declared it there yet. */
    public boolean exists() throws TimeoutException {
        Channel channel;
        try {
            channel = connection.createChannel();
            channel.queueDeclarePassive(config.deadLetterQueue());
        } catch (IOException e) {
            return false;  // the broker answered 404 and closed the channel
        }
        try {
            channel.close();
        } catch (IOException e) {
            // the answer is in: the queue exists
        }
        return true;
    }

    /** Every message in the DLQ, oldest first, left in place (they are fetched unacked and handed back). */
    public List<Letter> list() throws IOException, TimeoutException {
        List<Letter> letters = new ArrayList<>();
        try (Channel channel = connection.createChannel()) {
            for (GetResponse message : takeAll(channel)) {
                letters.add(letter(message.getProps(), message.getBody()));
            }
            // closing the channel returns every unacked message to the DLQ, in order
        }
        return letters;
    }

    /**
     * Moves the messages now in the DLQ back to the queue they came from, each acked in the DLQ only
     * after the broker confirmed it on the main queue. All are taken first, so that one the worker
     * dead-letters again while this runs is not looped. Returns how many were moved.
     */
    public int replay() throws IOException, TimeoutException, InterruptedException {
        int replayed = 0;
        try (Channel channel = connection.createChannel()) {
            channel.confirmSelect();
            for (GetResponse message : takeAll(channel)) {
                Letter letter = letter(message.getProps(), message.getBody());
                String target = letter.sourceQueue() == null ? config.queue() : letter.sourceQueue();
                channel.basicPublish("", target, true, withoutDeadLetterHeaders(message.getProps()), message.getBody());
                channel.waitForConfirmsOrDie(CONFIRM_TIMEOUT_MILLIS);
                channel.basicAck(message.getEnvelope().getDeliveryTag(), false);
                replayed++;
            }
        }
        return replayed;
    }

    /**
     * Fetches, unacked, every message the DLQ holds now (until it answers "empty"): the message count
     * the broker reports can lag behind a quorum queue's confirmed publishes, so it is not the bound.
     */
    private List<GetResponse> takeAll(Channel channel) throws IOException {
        List<GetResponse> messages = new ArrayList<>();
        for (GetResponse message; messages.size() < MAX_MESSAGES
                && (message = channel.basicGet(config.deadLetterQueue(), false)) != null; ) {
            messages.add(message);
        }
        return messages;
    }

    static Letter letter(AMQP.BasicProperties properties, byte[] body) {
        Map<String, Object> headers = properties.getHeaders() == null ? Map.of() : properties.getHeaders();
        String reason = text(headers.get(DeadLetterSink.REASON));
        if (reason == null && headers.get("x-death") instanceof List<?> deaths && !deaths.isEmpty()
                && deaths.getFirst() instanceof Map<?, ?> death) {
            reason = "dead-lettered by the broker: " + text(death.get("reason"));  // e.g. delivery_limit
        }
        return new Letter(reason == null ? "unknown" : reason, properties.getType(), text(headers.get(DeadLetterSink.SOURCE_QUEUE)),
                text(headers.get(DeadLetterSink.DEAD_LETTERED_AT)), body);
    }

    private static AMQP.BasicProperties withoutDeadLetterHeaders(AMQP.BasicProperties properties) {
        Map<String, Object> headers = new HashMap<>(properties.getHeaders() == null ? Map.of() : properties.getHeaders());
        headers.keySet().removeIf(name -> name.startsWith("x-voting-") || name.startsWith("x-death")
                || name.startsWith("x-first-death") || name.startsWith("x-last-death") || name.equals("x-delivery-count"));
        return properties.builder().headers(headers).deliveryMode(2).build();
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();  // header strings arrive as LongString
    }

    @Override
    public void close() {
        try {
            connection.close(5_000);
        } catch (IOException | RuntimeException e) {
            connection.abort();
        }
        amqp.close();
    }

    /** {@code DeadLetters list|replay}, with the queue and broker from the environment. */
    public static void main(String[] args) throws Exception {
        String command = args.length == 0 ? "list" : args[0];
        if (!command.equals("list") && !command.equals("replay")) {
            System.err.println("usage: make dlq | make dlq-replay");
            System.exit(2);
        }
        Config config;
        try {
            config = Config.fromEnvironment();
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.exit(1);
            return;
        }
        try (DeadLetters dlq = new DeadLetters(config.rabbit())) {
            if (!dlq.exists()) {
                System.out.println("RabbitMQ at " + Secrets.maskUrl(config.rabbit().uri().toString()) + " has no queue "
                        + config.rabbit().deadLetterQueue() + " (no API or worker has declared it): nothing to show");
                return;
            }
            if (command.equals("replay")) {
                int moved = dlq.replay();
                System.out.println("replayed " + moved + " message(s) from " + config.rabbit().deadLetterQueue() + " to "
                        + config.rabbit().queue() + "; the worker counts each vote at most once");
                return;
            }
            List<Letter> letters = dlq.list();
            System.out.println(letters.size() + " message(s) in " + config.rabbit().deadLetterQueue());
            for (int i = 0; i < letters.size(); i++) {
                Letter letter = letters.get(i);
                System.out.printf("%d. reason: %s%n   type: %s, %d bytes, dead-lettered at %s%n   body: %s%n", i + 1,
                        letter.reason(), letter.type(), letter.body().length, letter.deadLetteredAt(), letter.preview());
            }
        } catch (StartupException e) {
            System.err.println(e.getMessage());
            System.exit(1);
        }
    }
}
