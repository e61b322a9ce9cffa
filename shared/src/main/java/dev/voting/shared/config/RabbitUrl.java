package dev.voting.shared.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
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
        int schemeEnd = url.indexOf("://");
        String scheme = schemeEnd < 0 ? "" : url.substring(0, schemeEnd);
        if (!scheme.equals("amqp") && !scheme.equals("amqps")) {
            throw new IllegalArgumentException("must look like amqp://user:pass@host:port[,host:port...]/vhost");
        }
        int authorityStart = schemeEnd + 3;
        int authorityEnd = authorityStart;
        while (authorityEnd < url.length() && url.charAt(authorityEnd) != '/' && url.charAt(authorityEnd) != '?') {
            authorityEnd++;
        }
        String authority = url.substring(authorityStart, authorityEnd);
        int at = authority.lastIndexOf('@');
        String userInfo = at < 0 ? "" : authority.substring(0, at + 1);
        String rest = url.substring(authorityEnd);
        List<URI> nodes = new ArrayList<>();
        for (String host : authority.substring(at + 1).split(",", -1)) {
            nodes.add(node(scheme + "://" + userInfo + host.strip() + rest));
        }
        return new RabbitUrl(nodes);
    }

    private static URI node(String url) {
        try {
            URI uri = new URI(url);
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("names a node without a host");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("is not a valid URL (" + e.getReason() + ")");
        }
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
