package dev.voting.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.sun.net.httpserver.HttpExchange;
import dev.voting.api.auth.Principal;
import dev.voting.api.client.ClientAddresses;
import dev.voting.shared.http.ProblemException;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** One request as a handler sees it: the exchange, the path parameters, the caller and the body rules. */
public final class Call {
    private final HttpExchange exchange;
    private final Map<String, String> pathParams;
    private final Principal principal;
    private final InetAddress client;
    private final ObjectMapper mapper;
    private final int maxBodyBytes;
    private final String requestId;

    Call(HttpExchange exchange, Map<String, String> pathParams, Principal principal, InetAddress client, ObjectMapper mapper,
         int maxBodyBytes, String requestId) {
        this.exchange = exchange;
        this.pathParams = pathParams;
        this.principal = principal;
        this.client = client;
        this.mapper = mapper;
        this.maxBodyBytes = maxBodyBytes;
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

    /**
     * Reads the body as JSON into {@code type}: 415 unless it is declared JSON, 413 past the size
     * limit (refused before reading when the length is declared), 400 when it is not the expected shape.
     */
    public <T> T jsonBody(Class<T> type) throws IOException {
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType == null || !mediaType(contentType).equals("application/json")) {
            throw ProblemException.unsupportedMediaType("the body must be sent as Content-Type: application/json");
        }
        byte[] body = readBody();
        if (body.length == 0) {
            throw ProblemException.malformed("the body is empty; a JSON object is expected");
        }
        try {
            T value = mapper.readValue(body, type);
            if (value == null) {
                throw ProblemException.malformed("the body is null; a JSON object is expected");
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            throw ProblemException.malformed("unknown field '" + shorten(e.getPropertyName()) + "'");
        } catch (MismatchedInputException e) {
            throw ProblemException.malformed(fieldOf(e) + "has the wrong type or is missing");
        } catch (JsonProcessingException e) {
            throw ProblemException.malformed("the body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private byte[] readBody() throws IOException {
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        int expected = maxBodyBytes + 1;  // chunked: read one byte past the limit to see whether it is crossed
        if (declared != null) {
            long length;
            try {
                length = Long.parseLong(declared.strip());
            } catch (NumberFormatException e) {
                throw ProblemException.malformed("Content-Length is not a number");
            }
            if (length > maxBodyBytes) {
                throw ProblemException.tooLarge(maxBodyBytes);
            }
            expected = (int) Math.max(0, length);  // the server ends the stream there; no buffer larger than the body
        }
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(expected);
            if (body.length > maxBodyBytes) {
                throw ProblemException.tooLarge(maxBodyBytes);
            }
            return body;
        }
    }

    private static String mediaType(String contentType) {
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
        if (semicolon >= 0) {
            String params = contentType.substring(semicolon + 1).toLowerCase(Locale.ROOT).replace(" ", "");
            if (params.startsWith("charset=") && !params.equals("charset=utf-8") && !params.equals("charset=\"utf-8\"")) {
                throw ProblemException.unsupportedMediaType("only UTF-8 JSON is accepted");
            }
        }
        return type;
    }

    private static String fieldOf(MismatchedInputException e) {
        String path = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."));
        return path.isEmpty() ? "the body " : "field '" + shorten(path) + "' ";
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
