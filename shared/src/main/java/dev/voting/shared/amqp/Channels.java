package dev.voting.shared.amqp;

import com.rabbitmq.client.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.TimeoutException;

/** What every owner of a channel does the same way. */
public final class Channels {
    private static final Logger log = LoggerFactory.getLogger(Channels.class);

    private Channels() {
    }

    /**
     * Closes a channel that may be closed already. A failure is only logged: the channel is gone
     * either way, or goes with its connection, and the broker requeues whatever it left unacked.
     */
    public static void closeQuietly(Channel channel, String owner) {
        if (channel == null || !channel.isOpen()) {
            return;
        }
        try {
            channel.close();
        } catch (IOException | TimeoutException | RuntimeException e) {
            log.debug("{}: closing its channel: {}", owner, e.toString());
        }
    }
}
