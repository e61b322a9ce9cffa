package dev.voting.shared.config;

import java.net.URI;
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
        HostList parts = HostList.split(url);
        List<String> hosts = new ArrayList<>();
        for (String host : parts.hosts()) {
            URI uri = HostList.uri("postgresql://" + host);
            hosts.add(uri.getHost() + ":" + (uri.getPort() == -1 ? 5432 : uri.getPort()));
        }
        URI rest = HostList.uri("postgresql://h" + parts.rest());
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
        if (!parts.userInfo().isEmpty()) {
            String[] credentials = parts.userInfo().substring(0, parts.userInfo().length() - 1).split(":", 2);
            user = decode(credentials[0]);
            password = credentials.length > 1 ? decode(credentials[1]) : null;
        }
        return new DatabaseUrl(jdbc, user, password);
    }

    private static String decode(String part) {
        return URLDecoder.decode(part, StandardCharsets.UTF_8);
    }

    /** For logs: a password given in the URL's query string is masked too. */
    @Override
    public String toString() {
        return Secrets.maskUrl(jdbcUrl) + (user == null ? "" : " as " + user);
    }
}
