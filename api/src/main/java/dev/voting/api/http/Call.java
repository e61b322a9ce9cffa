package dev.voting.api.http;

import com.sun.net.httpserver.HttpExchange;
import dev.voting.api.auth.Principal;
import dev.voting.api.client.ClientAddresses;
import dev.voting.shared.http.ProblemException;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** One request as a handler sees it: the exchange, the path parameters, the caller and the body rules. */
public final class Call {
    private final HttpExchange exchange;
    private final Map<String, String> pathParams;
    private final Principal principal;
    private final InetAddress client;
    private final JsonBodies bodies;
    private final String requestId;

    Call(HttpExchange exchange, Map<String, String> pathParams, Principal principal, InetAddress client, JsonBodies bodies,
         String requestId) {
        this.exchange = exchange;
        this.pathParams = pathParams;
        this.principal = principal;
        this.client = client;
        this.bodies = bodies;
        this.requestId = requestId;
    }

    public HttpExchange exchange() {
        return exchange;
    }

    /** The authenticated caller; null on {@link Access#ANYONE} routes. */
    public Principal principal() {
        return principal;
    }

    /** A path parameter that must be a positive id; anything else names no resource, hence 404. */
    public long pathId(String name, String what) {
        String raw = pathParams.get(name);
        // ASCII digits only: parseLong also takes "+7" and "٧", and one resource must have one spelling
        if (raw != null && !raw.isEmpty() && raw.length() <= 19 && raw.chars().allMatch(c -> c >= '0' && c <= '9')) {
            try {
                long id = Long.parseLong(raw);
                if (id > 0) {
                    return id;
                }
            } catch (NumberFormatException ignored) {
                // beyond Long.MAX_VALUE: falls through to the 404 below
            }
        }
        throw ProblemException.notFound("no " + what + " with id '" + shorten(raw) + "'");
    }

    /** The client's valid {@code X-Request-Id}, or one made for this request; the vote message carries it on. */
    public String requestId() {
        return requestId;
    }

    public String pathParam(String name) {
        return pathParams.get(name);
    }

    /** The client's address: the TCP peer, or the one a trusted proxy names ({@link ClientAddresses}). */
    public String clientIp() {
        return client.getHostAddress();
    }

    /** Who this request counts against in per-client limits: the address, or its /64 for IPv6. */
    public String clientKey() {
        return ClientAddresses.limitKey(client);
    }

    public Map<String, String> query() {
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw == null || raw.isEmpty()) {
            return Map.of();
        }
        Map<String, String> params = new HashMap<>();
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            String[] kv = pair.split("=", 2);
            String key = decode(kv[0]);
            if (params.put(key, kv.length > 1 ? decode(kv[1]) : "") != null) {
                throw ProblemException.malformed("query parameter '" + shorten(key) + "' is repeated");
            }
        }
        return params;
    }

    /** The body as JSON into {@code type}; {@link JsonBodies} says what is refused, and how. */
    public <T> T jsonBody(Class<T> type) throws IOException {
        return bodies.read(exchange, type);
    }

    private static String decode(String raw) {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ProblemException.malformed("the query string is not properly encoded");
        }
    }

    /** Echoes user input in problems only in small, printable pieces. */
    static String shorten(String raw) {
        if (raw == null) {
            return "";
        }
        String printable = raw.codePoints()
                .map(c -> Character.isISOControl(c) ? '?' : c)
                .limit(64)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
        return raw.length() > 64 ? printable + "…" : printable;
    }
}
