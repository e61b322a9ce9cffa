package dev.voting.api.http;

import dev.voting.api.ApiConfig;
import dev.voting.api.auth.Authenticator;
import dev.voting.api.client.ClientAddresses;
import dev.voting.api.client.ClientGate;
import dev.voting.shared.http.Response;
import dev.voting.shared.json.Json;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The request id the Router gives every request, and streamed (Server-Sent Events) responses. */
class StreamingAndRequestIdTest {
    private final AtomicReference<String> seenInHandler = new AtomicReference<>();
    private final AtomicReference<String> seenInMdc = new AtomicReference<>();
    private final AtomicBoolean streamClosed = new AtomicBoolean();

    private final Router router = new Router(List.of(
            Route.get("/id", Access.ANYONE, call -> {
                seenInHandler.set(call.requestId());
                seenInMdc.set(MDC.get("requestId"));
                return Response.json(200, Map.of("ok", true));
            }),
            Route.get("/stream", Access.ANYONE, call -> Response.stream("text/event-stream", new Response.Stream() {
                @Override
                public void writeTo(OutputStream out) throws IOException {
                    out.write("data: 1\n\n".getBytes(StandardCharsets.UTF_8));
                    out.write("data: 2\n\n".getBytes(StandardCharsets.UTF_8));
                }

                @Override
                public void close() {
                    streamClosed.set(true);
                }
            }).withHeader("Cache-Control", "no-cache")),
            Route.get("/broken-stream", Access.ANYONE, call -> Response.stream("text/event-stream", new Response.Stream() {
                @Override
                public void writeTo(OutputStream out) throws IOException {
                    out.write("data: 1\n\n".getBytes(StandardCharsets.UTF_8));
                    throw new IllegalStateException("the feed broke");
                }

                @Override
                public void close() {
                    streamClosed.set(true);
                }
            }))),
            new Authenticator(new ApiConfig.Jwt(ApiConfig.JwtAlgorithm.HS256, "streaming-test-secret-of-enough-length", "", "", "", 5)),
            Json.newMapper(), 64, ClientAddresses.direct(), new ClientGate(100));

    @Test
    void validClientRequestIdIsKeptEchoedAndInTheMdcOnlyDuringTheRequest() {
        FakeExchange exchange = new FakeExchange("GET", "/id", "").header("X-Request-Id", "client-42");
        router.handle(exchange);
        assertEquals("client-42", exchange.getResponseHeaders().getFirst("X-Request-Id"));
        assertEquals("client-42", seenInHandler.get());
        assertEquals("client-42", seenInMdc.get());
        assertNull(MDC.get("requestId"), "the MDC is cleared after the request");
    }

    @Test
    void unsafeOrMissingRequestIdIsReplacedWithAFreshOne() {
        FakeExchange forged = new FakeExchange("GET", "/id", "").header("X-Request-Id", "x\" level=ERROR");
        router.handle(forged);
        String given = forged.getResponseHeaders().getFirst("X-Request-Id");
        assertTrue(given.matches("[0-9a-f]{16}"), given);
        assertEquals(given, seenInHandler.get());

        FakeExchange none = new FakeExchange("GET", "/id", "");
        router.handle(none);
        assertNotEquals(given, none.getResponseHeaders().getFirst("X-Request-Id"));
    }

    @Test
    void problemResponsesCarryTheRequestIdToo() {
        FakeExchange exchange = new FakeExchange("GET", "/nowhere", "").header("X-Request-Id", "lost-1");
        router.handle(exchange);
        assertEquals(404, exchange.getResponseCode());
        assertEquals("lost-1", exchange.getResponseHeaders().getFirst("X-Request-Id"));
    }

    @Test
    void streamIsSentChunkedWithItsHeadersAndClosedAfterwards() {
        FakeExchange exchange = new FakeExchange("GET", "/stream", "");
        router.handle(exchange);
        assertEquals(200, exchange.getResponseCode());
        assertEquals(0, exchange.declaredLength(), "0 means chunked: the length is not known in advance");
        assertEquals("text/event-stream", exchange.getResponseHeaders().getFirst("Content-Type"));
        assertEquals("no-cache", exchange.getResponseHeaders().getFirst("Cache-Control"));
        assertEquals("data: 1\n\ndata: 2\n\n", exchange.body());
        assertTrue(streamClosed.get(), "the stream is closed when it is over");
        assertTrue(exchange.isClosed());
    }

    @Test
    void streamThatFailsAfterItsHeadersIsEndedAndClosedNotLeaked() {
        FakeExchange exchange = new FakeExchange("GET", "/broken-stream", "");
        router.handle(exchange);  // does not throw: an exception escaping a JDK handler would drop the connection silently
        assertEquals(200, exchange.getResponseCode());
        assertEquals("data: 1\n\n", exchange.body());
        assertTrue(streamClosed.get());
        assertTrue(exchange.isClosed());
    }
}
