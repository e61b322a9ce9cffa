package dev.voting.api.http;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * Times every request by route template, method and status ({@code http_server_requests_seconds});
 * {@code shed="true"} marks a deliberate 503 (load shed), so that alerts do not count it as an error.
 */
public final class MetricsFilter extends Filter {
    // Methods come from clients: an unbounded set of tag values would grow the registry without limit.
    private static final Set<String> KNOWN_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    private final MeterRegistry registry;
    private final ConcurrentMap<String, Timer> timers = new ConcurrentHashMap<>();

    public MetricsFilter(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        long start = System.nanoTime();
        RequestFacts facts = new RequestFacts();
        try {
            facts.during(() -> chain.doFilter(exchange));
        } finally {
            String method = KNOWN_METHODS.contains(exchange.getRequestMethod()) ? exchange.getRequestMethod() : "OTHER";
            int status = exchange.getResponseCode();
            String routeName = facts.route();
            String shed = Boolean.toString(facts.wasShed());
            timers.computeIfAbsent(method + " " + routeName + " " + status + " " + shed, key -> Timer.builder("http.server.requests")
                            .description("HTTP requests by route, method and status; shed: a deliberate 503")
                            .tag("route", routeName)
                            .tag("method", method)
                            .tag("status", Integer.toString(status))
                            .tag("shed", shed)
                            .publishPercentileHistogram()
                            .register(registry))
                    .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public String description() {
        return "request metrics";
    }
}
