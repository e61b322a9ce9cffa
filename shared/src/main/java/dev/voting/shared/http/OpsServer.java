package dev.voting.shared.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The operator's port of a process: {@code /metrics}, {@code /healthz} and {@code /readyz}, kept
 * off the API's public port. A port that is taken stops the start (a {@link BindException}): a
 * process on a port nobody scrapes or probes would run unseen. Port 0 asks for a free one (tests,
 * several workers on one machine); {@link #port()} says which. Answers are written by the same
 * {@link ResponseWriter} as the API's.
 */
public final class OpsServer implements AutoCloseable {
    /** Every interface: where Prometheus, outside the container or host, can reach it. */
    public static final String ANY_HOST = "0.0.0.0";
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final Logger log = LoggerFactory.getLogger(OpsServer.class);

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final PrometheusMeterRegistry registry;
    private final ReadinessAnswer readiness;
    private final ResponseWriter writer;

    public OpsServer(String host, int port, PrometheusMeterRegistry registry, ReadinessAnswer readiness, ObjectMapper mapper)
            throws IOException {
        this.registry = registry;
        this.readiness = readiness;
        this.writer = new ResponseWriter(mapper);
        server = HttpServer.create(new InetSocketAddress(host, port), 64);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    private void handle(HttpExchange exchange) {
        try (exchange) {
            Response response;
            try {
                response = switch (exchange.getRequestURI().getPath()) {
                    case "/metrics" -> Response.bytes(200, PROMETHEUS_TEXT, registry.scrape().getBytes(StandardCharsets.UTF_8));
                    case "/healthz" -> Response.json(200, Map.of("status", "ok"));
                    case "/readyz" -> readiness.answer();
                    default -> throw ProblemException.notFound("try /metrics, /healthz or /readyz");
                };
            } catch (ProblemException e) {
                response = e.response(null);
            }
            writer.write(exchange, response);
        } catch (IOException e) {
            log.debug("ops response not delivered: {}", e.toString());
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
