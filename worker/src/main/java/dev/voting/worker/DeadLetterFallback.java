package dev.voting.worker;

import com.rabbitmq.client.AMQP;
import dev.voting.shared.amqp.ConnectionHolder;
import dev.voting.shared.vote.Vote;
import dev.voting.shared.vote.VoteCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.sql.SQLException;
import java.util.List;

/**
 * What a lane cannot count goes to the dead-letter queue with its reason ({@link DeadLetterSink},
 * confirmed) and only then is settled (G6). Should the broker not confirm the dead letter, the
 * delivery is rejected instead, to the broker's own dead-lettering, which keeps no reason but never
 * drops it. One per lane, used by its thread alone; it owns the lane's {@link DeadLetterSink}.
 */
final class DeadLetterFallback implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeadLetterFallback.class);

    private final int lane;
    private final DeadLetterSink sink;
    private final LaneServices services;

    DeadLetterFallback(int lane, ConnectionHolder connection, LaneSettings settings, LaneServices services) {
        this.lane = lane;
        this.sink = new DeadLetterSink(connection, settings.topology());
        this.services = services;
    }

    /** Moves an unreadable delivery to the dead-letter queue with its reason, then acks it, alone. */
    void unreadable(Inbound.Unreadable delivery, Subscription from) {
        log.warn("lane {}: dead-lettering delivery {}: {}", lane, delivery.tag(), delivery.reason());
        if (!sent(delivery.properties(), delivery.body(), delivery.reason())) {
            reject(delivery.tag(), from);
            return;
        }
        try {
            from.ackAlone(delivery.tag());
        } catch (IOException | RuntimeException e) {
            // its channel died: the broker redelivers it and it is dead-lettered again (at least once)
            log.debug("lane {}: ack of dead letter {} lost: {}", lane, delivery.tag(), e.toString());
        }
    }

    /**
     * Moves one vote PostgreSQL refused for its data to the dead-letter queue, alone, with the reason;
     * true once the broker confirmed it. When it did not, the caller rejects the deliveries holding
     * the vote: the broker dead-letters their whole messages, whose other votes, already counted, a
     * replay counts nothing twice (G2, G6).
     */
    boolean refused(Vote vote, SQLException error) {
        String reason = "PostgreSQL refused the vote (SQLSTATE " + error.getSQLState() + "): " + error.getMessage();
        log.warn("lane {}: dead-lettering vote {} alone: {}", lane, vote.voteId(), reason);
        VoteCodec.Encoded message = services.codec().encode(List.of(vote));
        var properties = new AMQP.BasicProperties.Builder().contentType(VoteCodec.CONTENT_TYPE).type(message.type()).build();
        return sent(properties, message.body(), reason);
    }

    /** Hands a delivery to the broker's own dead-lettering, which keeps no reason but never drops it (G6). */
    void reject(long tag, Subscription from) {
        try {
            from.reject(tag);
            services.metrics().deadLettered();
        } catch (IOException | RuntimeException e) {
            log.debug("lane {}: reject of {} lost: {}", lane, tag, e.toString());
        }
    }

    /** True once the broker confirmed the dead letter; false (logged) when it did not. */
    private boolean sent(AMQP.BasicProperties properties, byte[] body, String reason) {
        try {
            sink.send(properties, body, reason);
            services.metrics().deadLettered();
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            log.warn("lane {}: dead letter not confirmed ({}); rejecting its delivery to the broker's dead-lettering", lane, e.toString());
        }
        return false;
    }

    @Override
    public void close() {
        sink.close();
    }
}
