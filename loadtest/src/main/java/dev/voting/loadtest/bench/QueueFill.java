package dev.voting.loadtest.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.voting.shared.amqp.Amqp;
import dev.voting.shared.config.Config;
import dev.voting.shared.json.Json;
import dev.voting.shared.vote.Vote;
import dev.voting.shared.vote.VoteCodec;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

/**
 * Fills the vote queue the way the API does under load: persistent batch messages of
 * {@code batchSize} votes ({@link VoteCodec}, {@code type=vote-batch}), published with confirms,
 * distinct voters {@code d0..}, candidates in turn. Returns what the workers must count, per candidate.
 */
final class QueueFill {
    /** What was published: votes per candidate, and the number of messages. */
    record Filled(Map<Long, Long> perCandidate, long votes, long messages, Duration took) {
    }

    private static final int CONFIRM_WINDOW = 32;

    private QueueFill() {
    }

    static Filled fill(Config config, long pollId, List<Long> candidates, long votes, int batchSize) {
        VoteCodec codec = new VoteCodec(Json.newMapper());
        Map<Long, Long> perCandidate = new TreeMap<>();
        long start = System.nanoTime();
        long messages = 0;
        try (Amqp amqp = new Amqp(config.rabbit()); Connection connection = amqp.connect("loadtest-fill");
             Channel channel = connection.createChannel()) {
            channel.confirmSelect();
            Instant acceptedAt = Instant.now();
            List<Vote> batch = new ArrayList<>(batchSize);
            for (long i = 0; i < votes; i++) {
                long candidate = candidates.get((int) (i % candidates.size()));
                perCandidate.merge(candidate, 1L, Long::sum);
                batch.add(new Vote(UUID.randomUUID(), pollId, candidate, "d" + i, acceptedAt, "127.0.0.1", null));
                if (batch.size() == batchSize || i == votes - 1) {
                    VoteCodec.Encoded message = codec.encode(batch);
                    AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                            .deliveryMode(2).contentType(VoteCodec.CONTENT_TYPE).type(message.type()).build();
                    channel.basicPublish("", config.rabbit().queue(), properties, message.body());
                    batch.clear();
                    if (++messages % CONFIRM_WINDOW == 0) {
                        channel.waitForConfirmsOrDie(60_000);
                    }
                }
            }
            channel.waitForConfirmsOrDie(60_000);
        } catch (IOException | TimeoutException e) {
            throw new IllegalStateException("filling the queue " + config.rabbit().queue() + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while filling the queue", e);
        }
        return new Filled(perCandidate, votes, messages, Duration.ofNanos(System.nanoTime() - start));
    }
}
