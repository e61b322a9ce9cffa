package dev.voting.shared.config;

import java.net.URI;
import java.util.List;

/**
 * A RabbitMQ location naming one node or the nodes of a cluster:
 * {@code amqp://user:pass@host1:5672,host2:5673/vhost}. The credentials, virtual host and options are
 * the same for every node; {@link #nodes()} holds one plain URL per node, first node first.
 */
public record RabbitUrl(List<URI> nodes) {

    public RabbitUrl {
        nodes = List.copyOf(nodes);
    }

    public static RabbitUrl parse(String url) {
        if (!url.startsWith("amqp://") && !url.startsWith("amqps://")) {
            throw new IllegalArgumentException("must look like amqp://user:pass@host:port[,host:port...]/vhost");
        }
        HostList parts = HostList.split(url);
        return new RabbitUrl(parts.hosts().stream().map(parts::node).toList());
    }

    /** The first node's URL: credentials, virtual host and TLS for every node. */
    public URI first() {
        return nodes.getFirst();
    }

    @Override
    public String toString() {
        return String.join(",", nodes.stream().map(uri -> Secrets.maskUrl(uri.toString())).toList());
    }
}
