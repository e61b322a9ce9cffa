package dev.voting.shared.health;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.voting.shared.lifecycle.Dependency;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The operator's port of a process: {@code /metrics}, {@code /healthz} and {@code /readyz}, kept
 * off the API's public port. A port that is taken stops the start (a {@link BindException}): a
 * process on a port nobody scrapes or probes would run unseen. Port 0 asks for a free one (tests,
 * several workers on one machine); {@link #port()} says which.
 */
public final class OpsServer implements AutoCloseable {
    /** Every interface: where Prometheus, outside the container or host, can reach it. */
    public static final String ANY_HOST = "0.0.0.0";

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    private final ObjectMapper mapper;

    public OpsServer(String host, int port, PrometheusMeterRegistry registry, Readiness readiness, ObjectMapper mapper)
            throws IOException {
        this.mapper = mapper;
        server = HttpServer.create(new InetSocketAddress(host, port), 64);
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            try (exchange) {
                switch (exchange.getRequestURI().getPath()) {
                    case "/metrics" -> send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
                    case "/healthz" -> send(exchange, 200, "application/json", json(Map.of("status", "ok")));
                    case "/readyz" -> ready(exchange, readiness);
                    default -> send(exchange, 404, "application/problem+json", json(problem(404, "/problems/not_found", "Not found",
                            "try /metrics, /healthz or /readyz")));
                }
            }
        });
        server.start();
    }

    private void ready(HttpExchange exchange, Readiness readiness) throws IOException {
        List<Dependency> down;
        try {
            down = readiness.down();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (down.isEmpty()) {
            send(exchange, 200, "application/json", json(Map.of("status", "ready")));
        } else {
            List<String> names = down.stream().map(Dependency::displayName).toList();
            Map<String, Object> problem = problem(503, "/problems/service_unavailable", "Service unavailable",
                    String.join(", ", names) + " not answering");
            problem.put("down", names);
            exchange.getResponseHeaders().set("Retry-After", "5");
            send(exchange, 503, "application/problem+json", json(problem));
        }
    }

    private static Map<String, Object> problem(int status, String type, String title, String detail) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", type);
        problem.put("title", title);
        problem.put("status", status);
        problem.put("detail", detail);
        return problem;
    }

    private String json(Object value) throws IOException {
        return mapper.writeValueAsString(value);
    }

    /** Sends the body; a HEAD gets the headers alone, with the length the body would have. */
    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.getResponseHeaders().set("Content-Length", Integer.toString(bytes.length));
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
