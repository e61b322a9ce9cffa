package dev.voting.api.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.voting.api.auth.Authenticator;
import dev.voting.api.auth.Principal;
import dev.voting.api.auth.TokenRefusedException;
import dev.voting.api.client.ClientAddresses;
import dev.voting.api.client.ClientGate;
import dev.voting.shared.http.ProblemException;
import dev.voting.shared.http.Response;
import dev.voting.shared.http.ResponseWriter;
import dev.voting.shared.lifecycle.UnavailableException;
import dev.voting.shared.logging.RequestIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Dispatches every request to its route, checks who may call it, and is the one place that turns
 * exceptions into problem responses and writes responses. JDK contexts match by prefix, so the
 * whole API is one context and the exact match happens here. {@code HEAD} is answered wherever
 * {@code GET} is: the same route, status and headers, without the body. Every request holds one of
 * its client's places ({@code API_MAX_REQUESTS_PER_CLIENT}) until its answer is written, so that one
 * address cannot hold the connections and threads every client shares.
 */
public final class Router implements HttpHandler {
    private static final Logger log = LoggerFactory.getLogger(Router.class);
    private static final Duration RETRY_AFTER_UNAVAILABLE = Duration.ofSeconds(2);
    private static final Duration RETRY_AFTER_CLIENT_FULL = Duration.ofSeconds(1);

    /** A route with its template split once, so that matching a request allocates nothing it keeps. */
    private record Compiled(Route route, String[] segments) {
        Compiled(Route route) {
            this(route, route.template().substring(1).split("/", -1));
        }

        /** The path parameters when the path fits this template, else null. */
        Map<String, String> match(String[] path) {
            if (segments.length != path.length) {
                return null;
            }
            Map<String, String> params = Map.of();
            for (int i = 0; i < path.length; i++) {
                String expected = segments[i];
                if (expected.startsWith("{")) {
                    if (path[i].isEmpty()) {
                        return null;
                    }
                    if (params.isEmpty()) {
                        params = new HashMap<>(4);
                    }
                    params.put(expected.substring(1, expected.length() - 1), path[i]);
                } else if (!expected.equals(path[i])) {
                    return null;
                }
            }
            return params;
        }
    }

    private final List<Route> routes;
    private final List<Compiled> compiled;
    private final Authenticator authenticator;
    private final JsonBodies bodies;
    private final ResponseWriter writer;
    private final ClientAddresses clients;
    private final ClientGate requestsPerClient;

    public Router(List<Route> routes, Authenticator authenticator, ObjectMapper mapper, int maxBodyBytes,
                  ClientAddresses clients, ClientGate requestsPerClient) {
        this.routes = List.copyOf(routes);
        this.compiled = routes.stream().map(Compiled::new).toList();
        this.authenticator = authenticator;
        this.bodies = new JsonBodies(mapper, maxBodyBytes);
        this.writer = new ResponseWriter(mapper);
        this.clients = clients;
        this.requestsPerClient = requestsPerClient;
    }

    public List<Route> routes() {
        return routes;
    }

    @Override
    public void handle(HttpExchange exchange) {
        String requestId = RequestIds.acceptOrGenerate(exchange.getRequestHeaders().getFirst(RequestIds.HEADER));
        exchange.getResponseHeaders().set(RequestIds.HEADER, requestId);
        RequestFacts facts = RequestFacts.current();
        MDC.put(RequestIds.MDC_KEY, requestId);
        try (exchange) {
            InetAddress client = clients.clientOf(exchange);
            Optional<ClientGate.Pass> place = requestsPerClient.enter(ClientAddresses.limitKey(client));
            try {
                Response response;
                try {
                    if (place.isEmpty()) {
                        throw ProblemException.rateLimited(RETRY_AFTER_CLIENT_FULL, "this client already has "
                                + requestsPerClient.maxPerClient() + " requests in flight; retry when one is answered");
                    }
                    response = dispatch(exchange, client, requestId, facts);
                } catch (ProblemException e) {
                    if (e.shed()) {
                        facts.shed();
                    }
                    response = e.response(requestId);
                } catch (TokenRefusedException e) {
                    response = ProblemException.invalidToken(e.getMessage()).response(requestId);
                } catch (UnavailableException e) {
                    log.warn("{} {}: {}", exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), e.getMessage());
                    response = ProblemException.unavailable(RETRY_AFTER_UNAVAILABLE,
                            e.dependency().displayName() + " is unavailable; retry later").response(requestId);
                } catch (IOException e) {
                    log.debug("client went away: {}", e.toString());
                    return;
                } catch (RuntimeException e) {
                    log.error("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), e);
                    response = ProblemException.of(500, "internal_error", "Internal error",
                            "the server failed to answer; the failure is logged").response(requestId);
                }
                writer.write(exchange, response);
            } finally {
                place.ifPresent(ClientGate.Pass::close);
            }
        } catch (IOException e) {
            log.debug("response not delivered: {}", e.toString());
        } finally {
            MDC.remove(RequestIds.MDC_KEY);
        }
    }

    private Response dispatch(HttpExchange exchange, InetAddress client, String requestId, RequestFacts facts) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        String[] segments = path.length() > 1 ? path.substring(1).split("/", -1) : new String[] {""};
        String method = ResponseWriter.isHead(exchange) ? "GET" : exchange.getRequestMethod();
        String allowed = null;
        for (Compiled candidate : compiled) {
            Map<String, String> params = candidate.match(segments);
            if (params == null) {
                continue;
            }
            Route route = candidate.route();
            if (!route.method().equals(method)) {
                String methods = route.method().equals("GET") ? "GET, HEAD" : route.method();
                allowed = allowed == null ? methods : allowed + ", " + methods;
                continue;
            }
            facts.route(route.template());
            Principal principal = switch (route.access()) {
                case ANYONE -> null;
                case VOTER -> authenticator.authenticate(exchange);
                case ADMIN -> requireAdmin(authenticator.authenticate(exchange));
            };
            return route.handler().handle(new Call(exchange, params, principal, client, bodies, requestId));
        }
        if (allowed != null) {
            throw ProblemException.methodNotAllowed(allowed);
        }
        throw ProblemException.notFound("no route for " + Call.shorten(path));
    }

    private static Principal requireAdmin(Principal principal) {
        if (!principal.isAdmin()) {
            throw ProblemException.forbidden("this needs the admin role");
        }
        return principal;
    }

    /** Every method and template, for documentation tests. */
    public String describe() {
        return routes.stream().map(r -> r.method() + " " + r.template()).collect(Collectors.joining("\n"));
    }
}
