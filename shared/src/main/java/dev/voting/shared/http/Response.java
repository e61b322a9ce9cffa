package dev.voting.shared.http;

import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a handler answers. {@code body} is either bytes, written as they are with
 * {@code contentType}, a {@link Stream} written while the client listens, or a value that
 * {@link ResponseWriter} writes as JSON; null means no body.
 */
public record Response(int status, Object body, String contentType, Map<String, String> headers) {

    public static Response json(int status, Object body) {
        return new Response(status, body, "application/json", Map.of());
    }

    public static Response bytes(int status, String contentType, byte[] body) {
        return new Response(status, body, contentType, Map.of());
    }

    /**
     * A body of unknown length (Server-Sent Events). {@link ResponseWriter} sends the headers, hands the
     * stream the client's connection, and closes the stream afterwards, also when it never started.
     */
    public interface Stream extends AutoCloseable {
        /** Writes until the stream is over; an IOException means the client went away. */
        void writeTo(OutputStream out) throws IOException;

        @Override
        void close();
    }

    public static Response stream(String contentType, Stream body) {
        return new Response(200, body, contentType, Map.of());
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
