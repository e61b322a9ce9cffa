package dev.voting.api.vote;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.ShutdownSignalException;
import dev.voting.shared.amqp.Channels;
import dev.voting.shared.vote.VoteCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;

/**
 * A publish lane's channel in confirm mode, reopened when it died, the messages written on it, and the broker's answers wired to
 * the lane's {@link Unconfirmed} table: acks and nacks settle messages, returns mark them as never
 * queued, and the channel's death leaves every message it had not confirmed in doubt.
 */
final class ConfirmChannel {
    private static final Logger log = LoggerFactory.getLogger(ConfirmChannel.class);

    private final String name;
    private final PublishLane.Destination destination;
    private final Unconfirmed unconfirmed;
    private volatile Channel channel;
    /** The last channel given up with its connection: its death, which follows, must not touch the new channel's messages. */
    private volatile Channel givenUp;
    /** The broker nacked a message on {@link #channel}: the next message goes out on a fresh one. */
    private volatile boolean refused;

    ConfirmChannel(String name, PublishLane.Destination destination, Unconfirmed unconfirmed) {
        this.name = name;
        this.destination = destination;
        this.unconfirmed = unconfirmed;
    }

    /** The open channel, or a new one when there is none or it died. */
    Channel open() throws IOException {
        Channel current = channel;
        boolean connectionGivenUp = current != null && !destination.connection().holds(current.getConnection());
        if (current != null && current.isOpen() && !refused && !connectionGivenUp) {
            return current;
        }
        if (connectionGivenUp) {  // another lane gave the connection up: this channel dies with it
            giveUpConnection("the connection was given up");
        } else if (current != null && refused) {
            // A channel that published first while a quorum queue's leader was gone keeps being nacked until that
            // node is back (RabbitMQ 3.10, seen in RabbitClusterIT); a new channel finds the new leader.
            log.debug("{}: the broker refused a message, publishing on a new channel", name);
            channel = null;
            Channels.closeQuietly(current, name);
        }
        refused = false;
        current = destination.connection().openChannel();
        current.confirmSelect();
        current.addConfirmListener(new ConfirmListener() {
            @Override
            public void handleAck(long sequence, boolean multiple) {
                unconfirmed.settle(sequence, multiple, null);
            }

            @Override
            public void handleNack(long sequence, boolean multiple) {
                refused = true;
                unconfirmed.settle(sequence, multiple, PublishFailure.notQueued("the broker refused the vote (the queue may be full)"));
            }
        });
        // Mandatory publishes come back here when the queue is missing; the ack that follows must fail them.
        current.addReturnListener(returned -> unconfirmed.returned(Long.parseLong(returned.getProperties().getMessageId())));
        Channel opened = current;
        current.addShutdownListener(cause -> died(opened, cause));
        channel = current;
        return current;
    }

    /**
     * Publishes one message holding the whole batch; the permit taken for it is released when it
     * settles. A write that fails may still have reached the broker: its votes are unconfirmed.
     */
    void publish(Channel current, List<Unconfirmed.Pending> batch, VoteCodec.Encoded message) throws IOException {
        long sequence = current.getNextPublishSeqNo();
        unconfirmed.written(sequence, batch);
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                .deliveryMode(2)
                .contentType(VoteCodec.CONTENT_TYPE)
                .type(message.type())
                .messageId(Long.toString(sequence))
                .build();
        try {
            current.basicPublish("", destination.queue(), true, properties, message.body());
        } catch (IOException | RuntimeException e) {
            unconfirmed.fail(sequence,  // unless the channel's shutdown settled it first
                    PublishFailure.unconfirmed("the broker connection failed while the vote was sent"));
            throw e;
        }
    }

    boolean isOpen() {
        Channel current = channel;
        return current != null && current.isOpen();
    }

    void close() {
        Channels.closeQuietly(channel, name);
    }

    /**
     * The node under this channel stopped confirming (hung, or cut off from its cluster, its TCP connection
     * still up: heartbeats would take two intervals to say so): what the channel had not confirmed is in doubt
     * now, the next message goes out on a channel of a new connection to another node, and the old
     * connection (with the other lanes' channels on it, which then die) is dropped.
     */
    void giveUpConnection(String why) {
        Channel stale = channel;
        if (stale == null) {
            return;
        }
        givenUp = stale;
        channel = null;
        // The new channel numbers its messages from 1 again: nothing of the old one may stay in the table.
        unconfirmed.abandon(PublishFailure.unconfirmed("the broker node stopped confirming before the vote's confirm"));
        destination.connection().giveUp(stale.getConnection(), name + ": " + why);
    }

    /** The broker may have queued what the dead channel had not confirmed. */
    private void died(Channel dead, ShutdownSignalException cause) {
        if (dead == givenUp) {
            return;  // its messages were put in doubt when it was given up; the table now holds the new channel's
        }
        if (channel == dead) {
            channel = null;
        }
        if (!cause.isInitiatedByApplication()) {
            log.warn("{}: channel closed: {}", name, cause.getMessage());
        }
        unconfirmed.abandon(PublishFailure.unconfirmed("the broker connection closed before the confirm"));
    }
}
