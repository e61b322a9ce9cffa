package dev.voting.api.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.voting.api.ApiConfig;
import dev.voting.api.auth.Authenticator;
import dev.voting.api.client.ClientAddresses;
import dev.voting.api.client.ClientGate;
import dev.voting.shared.http.Response;
import dev.voting.shared.json.Json;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Two requests at once on a real JDK server: each keeps its own request id and route. The JDK keeps
 * exchange attributes per context, shared by every request in flight, so they cannot carry either.
 */
class ConcurrentExchangesIT {
    private final ObjectMapper mapper = Json.newMapper();

    @Test
    void eachRequestKeepsItsOwnRequestIdAndRouteWhileAnotherRuns() throws Exception {
        CountDownLatch slowInside = new CountDownLatch(1);
        CountDownLatch fastDone = new CountDownLatch(1);
        Router router = new Router(List.of(
                Route.get("/slow", Access.ANYONE, call -> {
                    slowInside.countDown();
                    await(fastDone);
                    return Response.json(200, Map.of("requestId", call.requestId()));
                }),
                Route.get("/fast", Access.ANYONE, call -> Response.json(200, Map.of("requestId", call.requestId())))),
                new Authenticator(new ApiConfig.Jwt(ApiConfig.JwtAlgorithm.HS256, "x".repeat(ApiConfig.MIN_HMAC_SECRET_BYTES), "", "", "", 5)), mapper, 64,
                ClientAddresses.direct(), new ClientGate(100));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
             HttpClient http = HttpClient.newBuilder().executor(executor).build()) {
            server.setExecutor(executor);
            server.createContext("/", router).getFilters().add(new MetricsFilter(registry));
            server.start();
            CompletableFuture<HttpResponse<String>> slow = http.sendAsync(get(server, "/slow", "slow-1"), HttpResponse.BodyHandlers.ofString());
            assertEquals(true, slowInside.await(10, TimeUnit.SECONDS), "the slow request is in its handler");
            HttpResponse<String> fast = http.send(get(server, "/fast", "fast-1"), HttpResponse.BodyHandlers.ofString());
            fastDone.countDown();
            assertEquals("fast-1", mapper.readTree(fast.body()).path("requestId").asText());
            assertEquals("slow-1", mapper.readTree(slow.get(10, TimeUnit.SECONDS).body()).path("requestId").asText(),
                    "the slow request's own id, not the one of the request that came meanwhile");
            assertEquals(1, registry.get("http.server.requests").tag("route", "/slow").timer().count());
            assertEquals(1, registry.get("http.server.requests").tag("route", "/fast").timer().count());
        } finally {
            server.stop(0);
        }
    }

    private static HttpRequest get(HttpServer server, String path, String requestId) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path))
                .header("X-Request-Id", requestId).timeout(Duration.ofSeconds(10)).build();
    }

    private static void await(CountDownLatch latch) throws IOException {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
    }
}
