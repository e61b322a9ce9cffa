package dev.voting.shared.amqp;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.voting.shared.config.Config;
import dev.voting.shared.lifecycle.Dependency;
import dev.voting.shared.lifecycle.StartupException;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;

/**
 * Opens AMQP connections on the classic blocking IO (the Netty IO logs errors on Java
 * 25). Recovery is the caller's job: the publisher and the consumer each know what an interrupted
 * connection means for the work they hold, the library does not. Each new connection goes to the
 * first node of {@code RABBITMQ_URL} that answers, so a reconnect after a node died lands on a live one;
 * a node the caller gave up on (it stopped answering without closing) is tried last.
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
        // A hung node's kernel still accepts the TCP connection: the AMQP handshake is what times out, then the next node is tried.
        factory.setHandshakeTimeout(5_000);
        factory.setRequestedHeartbeat(10);
    }

    /** Opens a connection, failing with an {@link IOException} the caller may retry. */
    public Connection connect(String name) throws IOException {
        return connect(name, null);
    }

    /** Opens a connection, trying {@code givenUp} (a node that stopped answering; may be null) after every other node. */
    public Connection connect(String name, Address givenUp) throws IOException {
        List<Address> order = new ArrayList<>(nodes);
        if (order.remove(givenUp)) {
            order.addLast(givenUp);
        }
        try {
            return factory.newConnection(order, name);  // in this order: without automatic recovery the client does not shuffle
        } catch (TimeoutException e) {
            throw new IOException("connecting to RabbitMQ timed out", e);
        }
    }

    /** The node of {@code RABBITMQ_URL} a connection is open to, or null when none matches (a name that no longer resolves to it). */
    public Address nodeOf(Connection connection) {
        for (Address node : nodes) {
            int port = node.getPort() == -1 ? factory.getPort() : node.getPort();
            if (port == connection.getPort() && resolvesTo(node.getHost(), connection.getAddress())) {
                return node;
            }
        }
        return null;
    }

    private static boolean resolvesTo(String host, InetAddress address) {
        try {
            return Arrays.asList(InetAddress.getAllByName(host)).contains(address);
        } catch (UnknownHostException e) {
            return false;
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
