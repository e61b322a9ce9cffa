package dev.voting.worker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import dev.voting.shared.vote.Vote;

import java.util.List;

/** A delivery after decoding, tied to the channel that must ack it. */
sealed interface Inbound {
    Channel channel();

    long tag();

    record Readable(Channel channel, long tag, List<Vote> votes) implements Inbound {
    }

    /** Not a vote message at all: it goes to the dead-letter queue, never silently away (G6). */
    record Unreadable(Channel channel, long tag, AMQP.BasicProperties properties, byte[] body, String reason)
            implements Inbound {
    }
}
