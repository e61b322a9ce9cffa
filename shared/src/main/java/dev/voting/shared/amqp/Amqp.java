package dev.voting.shared.amqp;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.voting.shared.config.Config;
import dev.voting.shared.lifecycle.Dependency;
import dev.voting.shared.lifecycle.StartupException;

import java.io.IOException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;

/**
 * Opens AMQP connections on the classic blocking IO (the Netty IO logs errors on Java
 * 25). Recovery is the caller's job: the publisher and the consumer each know what an interrupted
 * connection means for the work they hold, the library does not. Each new connection goes to the
 * first node of {@code RABBITMQ_URL} that answers, so a reconnect after a node died lands on a live one.
 */
public final class Amqp implements AutoCloseable {
    private final ConnectionFactory factory;
    private final ExecutorService dispatch = Executors.newVirtualThreadPerTaskExecutor();
    private final String where;
    private final List<Address> nodes;

    public Amqp(Config.Rabbit config) {
        this.where = config.url().toString();
        this.nodes = config.url().nodes().stream().map(uri -> new Address(uri.getHost(), uri.getPort())).toList();
        factory = new ConnectionFactory();
        try {
            factory.setUri(withDefaultVhost(config.uri()));
        } catch (GeneralSecurityException e) {
            throw new StartupException("RABBITMQ_URL is not usable: " + e.getMessage(), e);
        }
        // Each connection's reader is a platform thread: its reads time out (heartbeats), and a timed read on a
        // virtual thread costs a timer per read; consumers still run on virtual threads (the shared executor).
        factory.setThreadFactory(Thread.ofPlatform().name("amqp-", 0).daemon().factory());
        factory.setSharedExecutor(dispatch);
        factory.setAutomaticRecoveryEnabled(false);
        factory.setConnectionTimeout(5_000);
        factory.setRequestedHeartbeat(10);
    }

    /** Opens a connection, failing with an {@link IOException} the caller may retry. */
    public Connection connect(String name) throws IOException {
        try {
            return factory.newConnection(nodes, name);
        } catch (TimeoutException e) {
            throw new IOException("connecting to RabbitMQ timed out", e);
        }
    }

    /** Opens the first connection of a process: failure here ends start-up with a clear message. */
    public Connection connectAtStartup(String name) {
        try {
            return connect(name);
        } catch (IOException e) {
            throw new StartupException(Dependency.RABBITMQ.unreachable(where, e), e);
        }
    }

    /** {@code amqp://host/} means the default vhost "/", as in most clients, not the vhost "". */
    private static URI withDefaultVhost(URI uri) {
        if (!"/".equals(uri.getRawPath())) {
            return uri;
        }
        return URI.create(uri.toString().replaceFirst("/(\\?|$)", "$1"));
    }

    public String where() {
        return where;
    }

    @Override
    public void close() {
        dispatch.shutdownNow();
    }
}
