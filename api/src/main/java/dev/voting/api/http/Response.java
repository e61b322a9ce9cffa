package dev.voting.api.http;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a handler answers. {@code body} is either bytes, written as they are with
 * {@code contentType}, or a value that {@link Router} writes as JSON; null means no body.
 */
public record Response(int status, Object body, String contentType, Map<String, String> headers) {

    public static Response json(int status, Object body) {
        return new Response(status, body, "application/json", Map.of());
    }

    public static Response bytes(int status, String contentType, byte[] body) {
        return new Response(status, body, contentType, Map.of());
    }

    public static Response empty(int status) {
        return new Response(status, null, null, Map.of());
    }

    public Response withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new Response(status, body, contentType, Map.copyOf(more));
    }
}
