package dev.voting.api.contract;

import dev.voting.api.ApiConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.voting.api.app.ApiApplication;
import dev.voting.shared.json.Json;
import dev.voting.testkit.ApiClient;
import dev.voting.testkit.Isolated;
import dev.voting.testkit.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * openapi.yaml against the running API: every documented route exists, every route is documented,
 * and real responses (successes and refusals) match what the document says of them, bodies
 * validated against its JSON Schemas. Every documented operation is called at least once.
 */
class OpenApiContractIT {
    private static final ObjectMapper MAPPER = Json.newMapper();
    private static Isolated env;
    private static ApiApplication api;
    private static ApiClient client;
    private static OpenApiContract contract;

    private final List<String> problems = new ArrayList<>();
    private final Set<String> exercised = new TreeSet<>();

    @BeforeAll
    static void start() {
        // One process: a close may take effect after 1 s instead of 5 without outrunning a cache.
        env = Isolated.create(Map.of("POLL_CACHE_TTL_SECONDS", "1", "MAX_CLOCK_SKEW_MS", "0", "POLL_CLOSE_DELAY_SECONDS", "1"));
        api = ApiApplication.start(ApiConfig.from(env.environment()), Clock.systemUTC());
        client = new ApiClient(api.port());
        ApiClient.Reply document = client.get("/openapi.yaml");
        assertEquals(200, document.status());
        contract = new OpenApiContract(document.body());
    }

    @AfterAll
    static void stop() {
        client.close();
        api.close();
        env.close();
    }

    @Test
    void everyRouteIsDocumentedAndEveryDocumentedRouteExists() {
        Set<String> served = api.routes().stream().map(r -> r.method() + " " + r.template())
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> documented = contract.operations();
        Set<String> undocumented = new TreeSet<>(served);
        undocumented.removeAll(documented);
        Set<String> missing = new TreeSet<>(documented);
        missing.removeAll(served);
        assertTrue(undocumented.isEmpty(), "routes the API serves but openapi.yaml does not document: " + undocumented);
        assertTrue(missing.isEmpty(), "routes openapi.yaml documents but the API does not serve: " + missing);
        assertEquals("3.1.0", contract.spec().path("openapi").asText());
    }

    @Test
    void documentedExamplesMatchTheirOwnSchemas() {
        List<String> wrong = new ArrayList<>();
        contract.spec().path("components").path("schemas").properties().forEach(schema -> {
            for (JsonNode example : schema.getValue().path("examples")) {
                wrong.addAll(contract.validate(schema.getValue(), example, "components.schemas." + schema.getKey()));
            }
        });
        int[] checked = {0};
        contract.spec().path("paths").properties().forEach(path -> path.getValue().properties().forEach(operation -> {
            List<JsonNode> bodies = new ArrayList<>();
            operation.getValue().path("requestBody").path("content").forEach(bodies::add);
            operation.getValue().path("responses").forEach(r -> contract.resolve(r).path("content").forEach(bodies::add));
            for (JsonNode media : bodies) {
                List<JsonNode> examples = new ArrayList<>();
                if (media.has("example")) {
                    examples.add(media.get("example"));
                }
                media.path("examples").forEach(e -> examples.add(e.path("value")));
                for (JsonNode example : examples) {
                    if (media.path("schema").path("type").asText("").equals("string")) {
                        continue;  // text bodies (the event stream) are shown, not validated
                    }
                    checked[0]++;
                    wrong.addAll(contract.validate(media.path("schema"), example, operation.getKey() + " " + path.getKey()));
                }
            }
        }));
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
        assertTrue(checked[0] >= 5, "the operations carry examples");
    }

    /** Swagger UI shows a response's example, or else one it makes from the schema: a 403 would show the first type's 400. */
    @Test
    void everyProblemResponseHasExamplesOfItsOwnStatus() {
        List<String> wrong = new ArrayList<>();
        contract.spec().path("paths").properties().forEach(path -> path.getValue().properties().forEach(operation ->
                operation.getValue().path("responses").properties().forEach(response -> {
                    JsonNode media = contract.resolve(response.getValue()).path("content").path("application/problem+json");
                    if (media.isMissingNode()) {
                        return;
                    }
                    List<JsonNode> examples = new ArrayList<>();
                    if (media.has("example")) {
                        examples.add(media.get("example"));
                    }
                    media.path("examples").forEach(e -> examples.add(e.path("value")));
                    String where = operation.getKey() + " " + path.getKey() + " " + response.getKey();
                    if (examples.isEmpty()) {
                        wrong.add(where + ": no example");
                    }
                    for (JsonNode example : examples) {
                        if (!response.getKey().equals("default") && !response.getKey().equals(example.path("status").asText())) {
                            wrong.add(where + ": an example of status " + example.path("status"));
                        }
                    }
                })));
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    }

    @Test
    void realResponsesMatchTheDocument() throws Exception {
        String admin = Tokens.admin();
        String alice = Tokens.voter("contract-alice");
        String json = "application/json";

        // operations and pages
        call("GET", "/openapi.yaml", "/openapi.yaml", null, null, null, 200);
        call("GET", "/healthz", "/healthz", null, null, null, 200);
        call("GET", "/readyz", "/readyz", null, null, null, 200);
        call("GET", "/docs", "/docs", null, null, null, 200);
        assertEquals("/docs", call("GET", "/docs/", "/docs/", null, null, null, 301).header("Location"));
        call("GET", "/docs/{file}", "/docs/swagger-ui-bundle.js", null, null, null, 200);
        call("GET", "/docs/{file}", "/docs/swagger-ui.css", null, null, null, 200);
        call("GET", "/docs/{file}", "/docs/favicon-32x32.png", null, null, null, 200);
        call("GET", "/docs/{file}", "/docs/swagger-initializer.js", null, null, null, 200);
        call("GET", "/docs/{file}", "/docs/oauth2-redirect.html", null, null, null, 404);
        call("GET", "/docs/{file}", "/docs/..%2F..%2Fopenapi.yaml", null, null, null, 404);
        call("GET", "/", "/", null, null, null, 200);
        call("GET", "/static/{file}", "/static/app.js", null, null, null, 200);
        call("GET", "/static/{file}", "/static/vote.js", null, null, null, 200);
        call("GET", "/static/{file}", "/static/app.css", null, null, null, 200);
        call("GET", "/static/{file}", "/static/favicon.svg", null, null, null, 200);
        call("GET", "/static/{file}", "/static/%2e%2e%2fopenapi.yaml", null, null, null, 404);
        call("GET", "/static/{file}", "/static/index.html", null, null, null, 404);

        // polls
        String lunch = "{\"title\":\"Contract lunch\",\"candidates\":[{\"name\":\"Pizza\"},{\"name\":\"Sushi\"}],\"closesAt\":\"2999-01-01T00:00:00Z\"}";
        JsonNode poll = call("POST", "/api/v1/polls", "/api/v1/polls", admin, lunch, json, 201).json();
        long pollId = poll.path("id").asLong();
        long pizza = poll.path("candidates").get(0).path("id").asLong();
        call("POST", "/api/v1/polls", "/api/v1/polls", admin,
                "{\"title\":\"Second\",\"candidates\":[{\"name\":\"A\"},{\"name\":\"B\"}]}", json, 201);
        call("POST", "/api/v1/polls", "/api/v1/polls", alice, lunch, json, 403);
        call("POST", "/api/v1/polls", "/api/v1/polls", null, lunch, json, 401);
        call("POST", "/api/v1/polls", "/api/v1/polls", admin, "{\"title\":", json, 400);
        call("POST", "/api/v1/polls", "/api/v1/polls", admin, lunch, "text/plain", 415);
        call("POST", "/api/v1/polls", "/api/v1/polls", admin, "{\"title\":\"One\",\"candidates\":[{\"name\":\"A\"}]}", json, 422);
        call("POST", "/api/v1/polls", "/api/v1/polls", admin, "{\"title\":\"" + "x".repeat(20_000) + "\"}", json, 413);
        JsonNode page = call("GET", "/api/v1/polls", "/api/v1/polls?status=open&limit=1", null, null, null, 200).json();
        assertTrue(page.has("nextCursor"), "two open polls, one per page: " + page);
        call("GET", "/api/v1/polls", "/api/v1/polls?cursor=" + page.path("nextCursor").asText(), null, null, null, 200);
        call("GET", "/api/v1/polls", "/api/v1/polls?limit=0", null, null, null, 400);
        call("GET", "/api/v1/polls", "/api/v1/polls?colour=red", null, null, null, 400);
        call("GET", "/api/v1/polls/{pollId}", "/api/v1/polls/" + pollId, null, null, null, 200);
        call("GET", "/api/v1/polls/{pollId}", "/api/v1/polls/999999999", null, null, null, 404);
        ApiClient.Reply ballot = call("GET", "/vote/{pollId}", "/vote/" + pollId, null, null, null, 200);
        assertTrue(ballot.header("Content-Security-Policy").startsWith("default-src 'self'"), "the ballot page is same-origin only");
        call("GET", "/vote/{pollId}", "/vote/not-a-poll", null, null, null, 404);

        // votes
        String votePath = "/api/v1/polls/" + pollId + "/votes";
        String voteTemplate = "/api/v1/polls/{pollId}/votes";
        ApiClient.Reply accepted = call("POST", voteTemplate, votePath, alice, "{\"candidateId\":" + pizza + "}", json, 202,
                Map.of("X-Request-Id", "contract-vote-1"));
        assertEquals("contract-vote-1", accepted.header("X-Request-Id"), "the client's request id comes back");
        String voteId = accepted.json().path("voteId").asText();
        ApiClient.Reply repeat = call("POST", voteTemplate, votePath, alice, "{\"candidateId\":" + pizza + "}", json, 409);
        assertEquals("/problems/already_voted", repeat.type());
        call("POST", voteTemplate, votePath, Tokens.voter("contract-bob"), "{\"candidateId\":999999999}", json, 422);
        call("POST", voteTemplate, "/api/v1/polls/999999999/votes", alice, "{\"candidateId\":1}", json, 404);
        call("POST", voteTemplate, votePath, null, "{\"candidateId\":1}", json, 401);
        call("POST", voteTemplate, votePath, Tokens.voter("contract-bob"), "{\"candidateId\":\"1\"}", json, 400);
        call("POST", voteTemplate, votePath, Tokens.voter("contract-bob"), "candidateId=1", "application/x-www-form-urlencoded", 415);
        call("POST", voteTemplate, votePath, Tokens.voter("contract-bob"), "{\"candidateId\":" + " ".repeat(20_000) + "1}", json, 413);
        ApiClient.Reply wrongMethod = client.send(client.request(votePath, alice).DELETE().build());
        assertEquals(405, wrongMethod.status());
        assertEquals("POST", wrongMethod.header("Allow"));
        check("POST", voteTemplate, votePath, wrongMethod);  // a 405 is the path's "default" problem response
        call("GET", "/api/v1/votes/{voteId}", "/api/v1/votes/" + voteId, alice, null, null, 200);
        call("GET", "/api/v1/votes/{voteId}", "/api/v1/votes/" + voteId, Tokens.voter("contract-mallory"), null, null, 404);
        call("GET", "/api/v1/votes/{voteId}", "/api/v1/votes/" + voteId, null, null, null, 401);

        // results, polled and streamed
        call("GET", "/api/v1/polls/{pollId}/results", "/api/v1/polls/" + pollId + "/results", null, null, null, 200);
        call("GET", "/api/v1/polls/{pollId}/results", "/api/v1/polls/999999999/results", null, null, null, 404);
        streamFirstEvent(pollId);
        call("GET", "/api/v1/polls/{pollId}/results/stream", "/api/v1/polls/999999999/results/stream", null, null, null, 404);

        // closing
        call("POST", "/api/v1/polls/{pollId}/close", "/api/v1/polls/" + pollId + "/close", alice, null, null, 403);
        call("POST", "/api/v1/polls/{pollId}/close", "/api/v1/polls/" + pollId + "/close", null, null, null, 401);
        call("POST", "/api/v1/polls/{pollId}/close", "/api/v1/polls/999999999/close", admin, null, null, 404);
        JsonNode closing = call("POST", "/api/v1/polls/{pollId}/close", "/api/v1/polls/" + pollId + "/close", admin, null, null, 200).json();
        assertEquals("open", closing.path("status").asText(), "open until the close takes effect: " + closing);
        Instant closesAt = Instant.parse(closing.path("closesAt").asText());
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), closesAt).toMillis() + 10));
        ApiClient.Reply closed = call("POST", voteTemplate, votePath, Tokens.voter("contract-late"), "{\"candidateId\":" + pizza + "}", json, 409);
        assertEquals("/problems/poll_closed", closed.type());

        // 429, from a second API on the same slice with a voter limit of one vote
        try (ApiApplication limited = ApiApplication.start(ApiConfig.from(env.environment(Map.of(
                "RATE_LIMIT_VOTER_PER_SECOND", "1", "RATE_LIMIT_VOTER_BURST", "1"))), Clock.systemUTC());
             ApiClient limitedClient = new ApiClient(limited.port())) {
            JsonNode other = client.createPoll("Contract limits", "Yes", "No");
            JsonNode third = client.createPoll("Contract limits 2", "Yes", "No");
            String carol = Tokens.voter("contract-carol");
            for (JsonNode target : List.of(other, third)) {
                String path = "/api/v1/polls/" + target.path("id").asLong() + "/votes";
                String body = "{\"candidateId\":" + target.path("candidates").get(0).path("id").asLong() + "}";
                ApiClient.Reply reply = limitedClient.send(limitedClient.request(path, carol)
                        .header("Content-Type", json).POST(HttpRequest.BodyPublishers.ofString(body)).build());
                check("POST", voteTemplate, path, reply);
                if (reply.status() == 429) {
                    exercised.add("POST " + voteTemplate + " 429");
                }
            }
            assertTrue(exercised.contains("POST " + voteTemplate + " 429"), "the second quick vote is rate limited");
        }

        assertTrue(problems.isEmpty(), "responses that do not match openapi.yaml:\n" + String.join("\n", problems));
        Set<String> called = exercised.stream().map(e -> e.substring(0, e.lastIndexOf(' ')))
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> uncalled = new TreeSet<>(contract.operations());
        uncalled.removeAll(called);
        assertTrue(uncalled.isEmpty(), "documented operations the test never called: " + uncalled);
    }

    @Test
    void headIsAnsweredWhereverGetIs() {
        long pollId = client.createPoll("Contract HEAD", "A", "B").path("id").asLong();
        List<String> files = List.of("/", "/docs", "/openapi.yaml", "/static/app.js", "/docs/swagger-ui.css", "/vote/" + pollId);
        List<String> documents = List.of("/healthz", "/api/v1/polls?status=open", "/api/v1/polls/" + pollId,
                "/api/v1/polls/" + pollId + "/results", "/api/v1/polls/999999999", "/docs/");
        for (String path : Stream.concat(files.stream(), documents.stream()).toList()) {
            ApiClient.Reply get = client.get(path);
            ApiClient.Reply head = client.send(client.request(path, null).method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
            assertEquals(get.status(), head.status(), "HEAD " + path);
            assertEquals(get.header("Content-Type"), head.header("Content-Type"), "HEAD " + path);
            assertEquals("", head.body(), "HEAD " + path);
            if (files.contains(path)) {
                assertEquals(Integer.toString(get.body().getBytes(StandardCharsets.UTF_8).length), head.header("Content-Length"),
                        "HEAD " + path);
            }
        }
        // a stream's HEAD ends at once, with the stream's headers
        ApiClient.Reply stream = client.send(client.request("/api/v1/polls/" + pollId + "/results/stream", null)
                .timeout(Duration.ofSeconds(5)).method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(200, stream.status());
        assertEquals("text/event-stream", stream.header("Content-Type").split(";")[0]);
    }

    /** The stream's first {@code results} event, checked like a body; the stream is then dropped. */
    private void streamFirstEvent(long pollId) throws IOException, InterruptedException {
        String path = "/api/v1/polls/" + pollId + "/results/stream";
        HttpRequest request = client.request(path, null).timeout(Duration.ofSeconds(10)).GET().build();
        HttpResponse<InputStream> response = client.http().send(request, HttpResponse.BodyHandlers.ofInputStream());
        String data = null;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String event = null;
            for (String line = lines.readLine(); line != null && data == null; line = lines.readLine()) {
                if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ") && "results".equals(event)) {
                    data = line.substring(6);
                }
            }
        }
        assertEquals(200, response.statusCode());
        assertTrue(data != null, "a results event arrives at once");
        Map<String, String> headers = headers(response.headers().map());
        exercised.add("GET /api/v1/polls/{pollId}/results/stream 200");
        problems.addAll(contract.check("GET", "/api/v1/polls/{pollId}/results/stream", 200, headers.get("content-type"), headers,
                MAPPER.readTree(data), "GET " + path));
        assertEquals("no-cache", headers.get("cache-control"));
    }

    private ApiClient.Reply call(String method, String template, String path, String token, String body, String contentType,
                                 int expected) {
        return call(method, template, path, token, body, contentType, expected, Map.of());
    }

    private ApiClient.Reply call(String method, String template, String path, String token, String body, String contentType,
                                 int expected, Map<String, String> extraHeaders) {
        HttpRequest.Builder request = client.request(path, token);
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        extraHeaders.forEach(request::header);
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        ApiClient.Reply reply = client.send(request.build());
        assertEquals(expected, reply.status(), method + " " + path + ": " + reply.body());
        check(method, template, path, reply);
        return reply;
    }

    private void check(String method, String template, String path, ApiClient.Reply reply) {
        exercised.add(method + " " + template + " " + reply.status());
        Map<String, String> headers = headers(reply.headers().map());
        String requestId = headers.get("x-request-id");
        if (requestId == null || !requestId.matches("[A-Za-z0-9._:-]{1,64}")) {
            problems.add(method + " " + path + ": every response carries a request id, got " + requestId);
        }
        problems.addAll(contract.check(method, template, reply.status(), headers.get("content-type"), headers, reply.json(),
                method + " " + path + " -> " + reply.status()));
    }

    private static Map<String, String> headers(Map<String, List<String>> raw) {
        Map<String, String> headers = new HashMap<>();
        raw.forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values.getFirst()));
        return headers;
    }
}
