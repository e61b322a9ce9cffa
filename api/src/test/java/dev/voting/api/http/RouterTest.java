package dev.voting.api.http;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.voting.api.ApiConfig;
import dev.voting.api.auth.Authenticator;
import dev.voting.api.client.ClientAddresses;
import dev.voting.api.client.ClientGate;
import dev.voting.shared.http.Response;
import dev.voting.shared.json.Json;
import dev.voting.shared.lifecycle.Dependency;
import dev.voting.shared.lifecycle.UnavailableException;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RouterTest {
    private static final String SECRET = "router-test-secret-of-enough-length-00";
    private final ObjectMapper mapper = Json.newMapper();

    record Echo(Long number) {
    }

    private final Router router = new Router(List.of(
            Route.get("/things/{id}", Access.ANYONE, call -> Response.json(200, Map.of("id", call.pathId("id", "thing")))),
            Route.post("/things", Access.ADMIN, call -> Response.json(201, call.jsonBody(Echo.class))),
            Route.post("/echo", Access.VOTER, call -> Response.json(200, Map.of("voter", call.principal().subject(),
                    "number", call.jsonBody(Echo.class).number()))),
            Route.get("/down", Access.ANYONE, call -> {
                throw new UnavailableException(Dependency.REDIS, "connection refused to 10.1.2.3", null);
            }),
            Route.get("/bug", Access.ANYONE, call -> {
                throw new IllegalStateException("secret internal detail");
            })),
            new Authenticator(new ApiConfig.Jwt(ApiConfig.JwtAlgorithm.HS256, SECRET, "", "", "", 5)), mapper, 64, ClientAddresses.direct(), new ClientGate(100));

    private FakeExchange call(String method, String uri, String body) {
        FakeExchange exchange = new FakeExchange(method, uri, body);
        return exchange;
    }

    private JsonNode send(FakeExchange exchange) throws Exception {
        router.handle(exchange);
        assertTrue(exchange.isClosed(), "every exchange is closed");
        return exchange.body().isEmpty() ? null : mapper.readTree(exchange.body());
    }

    private static String token(String subject, String... roles) {
        return "Bearer " + JWT.create().withSubject(subject).withClaim("roles", List.of(roles))
                .withExpiresAt(Instant.now().plusSeconds(60)).sign(Algorithm.HMAC256(SECRET));
    }

    private static void assertProblem(FakeExchange exchange, JsonNode body, int status, String type) {
        assertEquals(status, exchange.getResponseCode(), exchange.body());
        assertEquals("application/problem+json", exchange.getResponseHeaders().getFirst("Content-Type"));
        assertEquals("/problems/" + type, body.path("type").asText());
        assertEquals(exchange.getResponseHeaders().getFirst("X-Request-Id"), body.path("instance").asText(), "instance: the request id");
        assertEquals(status, body.path("status").asInt());
        assertFalse(body.path("title").asText().isEmpty());
        assertFalse(body.path("detail").asText().isEmpty());
        assertEquals(exchange.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length, exchange.declaredLength(),
                "fixed-length responses");
    }

    @Test
    void matchingRouteAnswersWithItsPathParameters() throws Exception {
        FakeExchange exchange = call("GET", "/things/42", "");
        RequestFacts facts = new RequestFacts();
        facts.during(() -> router.handle(exchange));
        assertEquals(42, mapper.readTree(exchange.body()).path("id").asInt());
        assertEquals(200, exchange.getResponseCode());
        assertEquals("/things/{id}", facts.route(), "the route, for the metrics filter");
    }

    @Test
    void unknownPathIs404AndWrongMethodIs405WithAllow() throws Exception {
        FakeExchange unknown = call("GET", "/nothing/here", "");
        assertProblem(unknown, send(unknown), 404, "not_found");
        FakeExchange trailing = call("GET", "/things/42/", "");
        assertProblem(trailing, send(trailing), 404, "not_found");
        FakeExchange wrongMethod = call("DELETE", "/things/42", "");
        assertProblem(wrongMethod, send(wrongMethod), 405, "method_not_allowed");
        assertEquals("GET, HEAD", wrongMethod.getResponseHeaders().getFirst("Allow"));
        FakeExchange notAnId = call("GET", "/things/1%20OR%201=1", "");
        assertProblem(notAnId, send(notAnId), 404, "not_found");
    }

    @Test
    void headIsAnsweredWhereverGetIsWithoutTheBody() throws Exception {
        FakeExchange get = call("GET", "/things/42", "");
        send(get);
        FakeExchange head = call("HEAD", "/things/42", "");
        router.handle(head);
        assertEquals(200, head.getResponseCode());
        assertEquals("", head.body(), "no body");
        assertEquals(-1, head.declaredLength(), "the JDK server wants -1 for a HEAD");
        assertEquals(Integer.toString(get.body().length()), head.getResponseHeaders().getFirst("Content-Length"));
        assertEquals("application/json", head.getResponseHeaders().getFirst("Content-Type"));
        FakeExchange missing = call("HEAD", "/things/1%20OR%201=1", "");
        router.handle(missing);
        assertEquals(404, missing.getResponseCode());
        assertEquals("", missing.body());
        FakeExchange headOfPost = call("HEAD", "/things", "");
        router.handle(headOfPost);
        assertEquals(405, headOfPost.getResponseCode());
        assertEquals("POST", headOfPost.getResponseHeaders().getFirst("Allow"));
    }

    @Test
    void routesCheckWhoCalls() throws Exception {
        FakeExchange anonymous = call("POST", "/things", "{\"number\":1}").header("Content-Type", "application/json");
        assertProblem(anonymous, send(anonymous), 401, "invalid_token");
        assertEquals("Bearer error=\"invalid_token\"", anonymous.getResponseHeaders().getFirst("WWW-Authenticate"));
        FakeExchange voter = call("POST", "/things", "{\"number\":1}").header("Content-Type", "application/json")
                .header("Authorization", token("alice"));
        assertProblem(voter, send(voter), 403, "forbidden");
        FakeExchange admin = call("POST", "/things", "{\"number\":1}").header("Content-Type", "application/json")
                .header("Authorization", token("root", "admin"));
        assertEquals(1, send(admin).path("number").asInt());
        assertEquals(201, admin.getResponseCode());
    }

    @Test
    void bodiesAreCheckedForTypeSizeAndShape() throws Exception {
        String token = token("alice");
        FakeExchange noType = call("POST", "/echo", "{\"number\":1}").header("Authorization", token);
        assertProblem(noType, send(noType), 415, "unsupported_media_type");
        FakeExchange form = call("POST", "/echo", "number=1").header("Authorization", token)
                .header("Content-Type", "application/x-www-form-urlencoded");
        assertProblem(form, send(form), 415, "unsupported_media_type");
        FakeExchange latin1 = call("POST", "/echo", "{\"number\":1}").header("Authorization", token)
                .header("Content-Type", "application/json; charset=iso-8859-1");
        assertProblem(latin1, send(latin1), 415, "unsupported_media_type");
        FakeExchange declaredHuge = call("POST", "/echo", "{}").header("Authorization", token)
                .header("Content-Type", "application/json").header("Content-Length", "2000000");
        assertProblem(declaredHuge, send(declaredHuge), 413, "payload_too_large");
        assertEquals("close", declaredHuge.getResponseHeaders().getFirst("Connection"));
        FakeExchange actualHuge = call("POST", "/echo", "{\"number\":" + "1".repeat(100) + "}").header("Authorization", token)
                .header("Content-Type", "application/json");
        assertProblem(actualHuge, send(actualHuge), 413, "payload_too_large");
        FakeExchange unknownField = call("POST", "/echo", "{\"number\":1,\"admin\":true}").header("Authorization", token)
                .header("Content-Type", "application/json");
        JsonNode problem = send(unknownField);
        assertProblem(unknownField, problem, 400, "malformed_request");
        assertEquals("unknown field 'admin'", problem.path("detail").asText());
        FakeExchange wrongType = call("POST", "/echo", "{\"number\":\"1\"}").header("Authorization", token)
                .header("Content-Type", "application/json; charset=UTF-8");
        assertEquals("field 'number' has the wrong type or is missing", send(wrongType).path("detail").asText());
        FakeExchange ok = call("POST", "/echo", "{\"number\":7}").header("Authorization", token)
                .header("Content-Type", "application/json; charset=utf-8");
        assertEquals("alice", send(ok).path("voter").asText());
    }

    @Test
    void unavailableDependencyIs503WithRetryAfterAndNoInternals() throws Exception {
        FakeExchange exchange = call("GET", "/down", "");
        JsonNode problem = send(exchange);
        assertProblem(exchange, problem, 503, "service_unavailable");
        assertEquals("2", exchange.getResponseHeaders().getFirst("Retry-After"));
        assertFalse(problem.toString().contains("10.1.2.3"), problem.toString());
    }

    @Test
    void unexpectedFailureIs500WithoutItsMessage() throws Exception {
        FakeExchange exchange = call("GET", "/bug", "");
        JsonNode problem = send(exchange);
        assertProblem(exchange, problem, 500, "internal_error");
        assertFalse(problem.toString().contains("secret internal detail"), problem.toString());
    }
}
