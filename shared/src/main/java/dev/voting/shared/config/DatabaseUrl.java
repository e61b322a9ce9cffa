package dev.voting.shared.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A PostgreSQL location as the JDBC driver wants it. Accepts the libpq form
 * {@code postgresql://user:pass@host:port/db?opts} (also {@code postgres://}), with several hosts
 * ({@code host1:5432,host2:5432}) for a primary and its standbys, and the {@code jdbc:postgresql://}
 * form; the driver itself accepts only the latter. Several hosts mean "connect to the primary"
 * ({@code targetServerType=primary}), unless libpq's {@code target_session_attrs} says otherwise.
 */
public record DatabaseUrl(String jdbcUrl, String user, String password) {
    /** libpq's {@code target_session_attrs} and what pgjdbc calls the same thing. */
    private static final Map<String, String> TARGETS = Map.of(
            "any", "any", "read-write", "primary", "primary", "primary",
            "read-only", "secondary", "standby", "secondary", "prefer-standby", "preferSecondary");

    public static DatabaseUrl parse(String url) {
        if (url.startsWith("jdbc:postgresql://")) {
            return new DatabaseUrl(url, null, null);
        }
        if (!url.startsWith("postgresql://") && !url.startsWith("postgres://")) {
            throw new IllegalArgumentException("must start with postgresql:// or jdbc:postgresql://");
        }
        int authorityStart = url.indexOf("://") + 3;
        int authorityEnd = authorityStart;
        while (authorityEnd < url.length() && url.charAt(authorityEnd) != '/' && url.charAt(authorityEnd) != '?') {
            authorityEnd++;
        }
        String authority = url.substring(authorityStart, authorityEnd);
        int at = authority.lastIndexOf('@');
        List<String> hosts = new ArrayList<>();
        URI uri = null;
        for (String host : authority.substring(at + 1).split(",", -1)) {
            uri = uri("postgresql://" + host.strip());
            hosts.add(uri.getHost() + ":" + (uri.getPort() == -1 ? 5432 : uri.getPort()));
        }
        URI rest = uri("postgresql://h" + url.substring(authorityEnd));
        String database = rest.getPath() == null || rest.getPath().length() <= 1 ? "postgres" : rest.getPath().substring(1);
        List<String> options = new ArrayList<>();
        String target = hosts.size() > 1 ? "primary" : null;
        if (rest.getRawQuery() != null) {
            for (String option : rest.getRawQuery().split("&")) {
                if (option.startsWith("target_session_attrs=")) {
                    target = TARGETS.get(option.substring(option.indexOf('=') + 1));
                    if (target == null) {
                        throw new IllegalArgumentException("has target_session_attrs other than " + TARGETS.keySet());
                    }
                } else {
                    options.add(option);
                }
            }
        }
        if (target != null) {
            options.add("targetServerType=" + target);
        }
        String jdbc = "jdbc:postgresql://" + String.join(",", hosts) + "/" + database
                + (options.isEmpty() ? "" : "?" + String.join("&", options));
        String user = null;
        String password = null;
        if (at >= 0) {
            String[] parts = authority.substring(0, at).split(":", 2);
            user = decode(parts[0]);
            password = parts.length > 1 ? decode(parts[1]) : null;
        }
        return new DatabaseUrl(jdbc, user, password);
    }

    private static URI uri(String url) {
        try {
            URI uri = new URI(url);
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("has no host");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("is not a valid URL (" + e.getReason() + ")");
        }
    }

    private static String decode(String part) {
        return URLDecoder.decode(part, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return jdbcUrl + (user == null ? "" : " as " + user);
    }
}
