package dev.voting.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.sun.net.httpserver.HttpExchange;
import dev.voting.shared.http.ProblemException;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.stream.Collectors;

/** How every request body is read, made once for all calls: the one mapper and the size past which a body is refused. */
final class JsonBodies {
    private final ObjectMapper mapper;
    private final int maxBytes;

    JsonBodies(ObjectMapper mapper, int maxBytes) {
        this.mapper = mapper;
        this.maxBytes = maxBytes;
    }

    /**
     * Reads the body as JSON into {@code type}: 415 unless it is declared JSON, 413 past the size
     * limit (refused before reading when the length is declared), 400 when it is not the expected shape.
     */
    <T> T read(HttpExchange exchange, Class<T> type) throws IOException {
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType == null || !mediaType(contentType).equals("application/json")) {
            throw ProblemException.unsupportedMediaType("the body must be sent as Content-Type: application/json");
        }
        byte[] body = readBody(exchange);
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
            throw ProblemException.malformed("unknown field '" + Call.shorten(e.getPropertyName()) + "'");
        } catch (MismatchedInputException e) {
            throw ProblemException.malformed(fieldOf(e) + "has the wrong type or is missing");
        } catch (JsonProcessingException e) {
            throw ProblemException.malformed("the body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private byte[] readBody(HttpExchange exchange) throws IOException {
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        int expected = maxBytes + 1;  // chunked: read one byte past the limit to see whether it is crossed
        if (declared != null) {
            long length;
            try {
                length = Long.parseLong(declared.strip());
            } catch (NumberFormatException e) {
                throw ProblemException.malformed("Content-Length is not a number");
            }
            if (length > maxBytes) {
                throw ProblemException.tooLarge(maxBytes);
            }
            expected = (int) Math.max(0, length);  // the server ends the stream there; no buffer larger than the body
        }
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(expected);
            if (body.length > maxBytes) {
                throw ProblemException.tooLarge(maxBytes);
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
        return path.isEmpty() ? "the body " : "field '" + Call.shorten(path) + "' ";
    }
}
