package dev.voting.shared.amqp;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * One AMQP connection, opened again on demand after the broker dropped it. Channels are opened
 * from it by their single owner thread and never shared.
 */
public final class ConnectionHolder implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConnectionHolder.class);
    private static final int ABORT_WAIT_MILLIS = 200;
    private final Amqp amqp;
    private final String name;
    private Connection connection;
    /** The node of a connection given up on: the next connection tries it last. */
    private Address givenUp;

    public ConnectionHolder(Amqp amqp, String name, Connection first) {
        this.amqp = amqp;
        this.name = name;
        this.connection = first;
    }

    public synchronized Channel openChannel() throws IOException {
        if (connection == null || !connection.isOpen()) {
            connection = amqp.connect(name, givenUp);
        }
        return connection.createChannel();
    }

    /** Whether {@code open} is the connection channels come from now (false once it was given up or replaced). */
    public synchronized boolean holds(Connection open) {
        return connection == open;
    }

    public synchronized boolean isOpen() {
        return connection != null && connection.isOpen();
    }

    /**
     * Gives {@code stale} up because its node stopped answering while the TCP connection stays up (a
     * hung or paused node is noticed by heartbeats only after two of them): the next channel comes from
     * a new connection that tries the other nodes first, and {@code stale} is dropped in the background,
     * which kills its channels. Nothing happens when {@code stale} was already replaced.
     */
    public void giveUp(Connection stale, String why) {
        if (stale == null || !holds(stale)) {
            return;
        }
        Address node = amqp.nodeOf(stale);  // may resolve the nodes' names: not while holding the lock the lanes open channels under
        synchronized (this) {
            if (connection != stale) {
                return;
            }
            givenUp = node;
            connection = null;
        }
        log.warn("{}: giving up the connection to RabbitMQ at {}:{}: {}; the next one tries the other nodes first",
                name, stale.getAddress().getHostAddress(), stale.getPort(), why);
        // The close handshake cannot finish with a hung node: the socket is closed after a short wait.
        Thread.ofVirtual().name("amqp-give-up").start(() -> stale.abort(ABORT_WAIT_MILLIS));
    }

    /** Drops the connection without a goodbye, as a crash would (used by fault-injection tests). */
    public synchronized void abort() {
        if (connection != null) {
            connection.abort();
        }
    }

    @Override
    public synchronized void close() {
        if (connection != null && connection.isOpen()) {
            try {
                connection.close(5_000);
            } catch (IOException | RuntimeException e) {
                connection.abort();
            }
        }
    }
}
