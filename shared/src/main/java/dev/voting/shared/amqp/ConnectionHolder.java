package dev.voting.shared.amqp;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;

import java.io.IOException;

/**
 * One AMQP connection, opened again on demand after the broker dropped it. Channels are opened
 * from it by their single owner thread and never shared.
 */
public final class ConnectionHolder implements AutoCloseable {
    private final Amqp amqp;
    private final String name;
    private Connection connection;

    public ConnectionHolder(Amqp amqp, String name, Connection first) {
        this.amqp = amqp;
        this.name = name;
        this.connection = first;
    }

    public synchronized Channel openChannel() throws IOException {
        if (connection == null || !connection.isOpen()) {
            connection = amqp.connect(name);
        }
        return connection.createChannel();
    }

    public synchronized boolean isOpen() {
        return connection != null && connection.isOpen();
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
