package dev.voting.shared.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes a {@link Response} to the exchange it answers: the one place responses reach the wire, on
 * the API's public port and on the operator's port of both processes.
 */
public final class ResponseWriter {
    private static final Logger log = LoggerFactory.getLogger(ResponseWriter.class);

    private final ObjectMapper mapper;

    public ResponseWriter(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public static boolean isHead(HttpExchange exchange) {
        return exchange.getRequestMethod().equals("HEAD");
    }

    /**
     * The one helper that writes a response: fixed length, or -1 for no body, or a stream (chunked).
     * A HEAD gets the headers alone, with the Content-Length the body would have (the JDK leaves that header to us).
     */
    public void write(HttpExchange exchange, Response response) throws IOException {
        if (response.body() instanceof Response.Stream stream) {
            writeStream(exchange, response, stream);
            return;
        }
        byte[] body = switch (response.body()) {
            case null -> null;
            case byte[] bytes -> bytes;
            default -> mapper.writeValueAsBytes(response.body());
        };
        var headers = exchange.getResponseHeaders();
        if (body != null) {
            headers.set("Content-Type", response.contentType());
        }
        response.headers().forEach(headers::set);
        if (response.status() >= 500) {
            log.warn("{} {} -> {}", exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), response.status());
        }
        if (isHead(exchange)) {
            if (body != null && body.length > 0) {
                headers.set("Content-Length", Integer.toString(body.length));
            }
            exchange.sendResponseHeaders(response.status(), -1);
            return;
        }
        exchange.sendResponseHeaders(response.status(), body == null || body.length == 0 ? -1 : body.length);
        if (body != null && body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** A body of unknown length, written while the client listens; the stream is told when it is over, however it ends. */
    private static void writeStream(HttpExchange exchange, Response response, Response.Stream stream) throws IOException {
        try (stream) {
            var headers = exchange.getResponseHeaders();
            headers.set("Content-Type", response.contentType());
            response.headers().forEach(headers::set);
            if (isHead(exchange)) {
                exchange.sendResponseHeaders(response.status(), -1);
                return;
            }
            exchange.sendResponseHeaders(response.status(), 0);
            try (OutputStream out = exchange.getResponseBody()) {
                stream.writeTo(out);
            } catch (RuntimeException e) {  // the status is sent: all that is left is to log and end the stream
                log.error("{} {}: stream failed", exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), e);
            }
        }
    }
}
