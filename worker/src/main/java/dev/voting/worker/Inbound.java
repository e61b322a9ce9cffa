package dev.voting.worker;

import com.rabbitmq.client.AMQP;
import dev.voting.shared.vote.UnreadableMessageException;
import dev.voting.shared.vote.Vote;
import dev.voting.shared.vote.VoteCodec;

import java.util.List;

/** A delivery after decoding, with the tag its channel acks it by. */
sealed interface Inbound {
    long tag();

    /** What it weighs in a batch: its votes; an unreadable message weighs one. */
    int weight();

    static Inbound decode(VoteCodec codec, long tag, AMQP.BasicProperties properties, byte[] body) {
        try {
            return new Readable(tag, codec.decode(properties.getType(), body));
        } catch (UnreadableMessageException e) {
            return new Unreadable(tag, properties, body, e.getMessage());
        }
    }

    record Readable(long tag, List<Vote> votes) implements Inbound {
        @Override
        public int weight() {
            return votes.size();
        }
    }

    /** Not a vote message at all: it goes to the dead-letter queue, never silently away (G6). */
    record Unreadable(long tag, AMQP.BasicProperties properties, byte[] body, String reason) implements Inbound {
        @Override
        public int weight() {
            return 1;
        }
    }
}
