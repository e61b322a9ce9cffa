package dev.voting.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.voting.shared.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small HTTP client for the API under test; every reply keeps its status, headers and parsed body. */
public final class ApiClient implements AutoCloseable {
    public record Reply(int status, HttpHeaders headers, String body, JsonNode json) {
        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        public String type() {
            return json == null ? null : json.path("type").asText(null);
        }
    }

    private static final ObjectMapper MAPPER = Json.newMapper();
    private final HttpClient http;
    private final String base;

    public ApiClient(int port) {
        this("http://127.0.0.1:" + port);
    }

    public ApiClient(String base) {
        this(base, builder());
    }

    /**
     * A client whose connections come from {@code from}, so that one test plays several client
     * addresses (Linux routes all of 127.0.0.0/8 to the loopback interface).
     */
    public ApiClient(int port, InetAddress from) {
        this("http://127.0.0.1:" + port, builder().localAddress(from));
    }

    private ApiClient(String base, HttpClient.Builder http) {
        this.base = base;
        this.http = http.build();
    }

    private static HttpClient.Builder builder() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .executor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
    }

    public Reply get(String path, String token) {
        return send(request(path, token).GET().build());
    }

    public Reply get(String path) {
        return get(path, null);
    }

    public Reply post(String path, String token, String jsonBody) {
        return send(request(path, token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(jsonBody)).build());
    }

    public Reply vote(long pollId, String voter, long candidateId) {
        return post("/api/v1/polls/" + pollId + "/votes", Tokens.voter(voter), "{\"candidateId\":" + candidateId + "}");
    }

    /** Creates a poll as admin and returns its JSON. */
    public JsonNode createPoll(String title, String... candidates) {
        var body = MAPPER.createObjectNode().put("title", title);
        var list = body.putArray("candidates");
        for (String candidate : candidates) {
            list.addObject().put("name", candidate);
        }
        Reply reply = post("/api/v1/polls", Tokens.admin(), body.toString());
        if (reply.status() != 201) {
            throw new IllegalStateException("poll not created: " + reply.status() + " " + reply.body());
        }
        return reply.json();
    }

    public HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    public Reply send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode json = null;
            String contentType = response.headers().firstValue("Content-Type").orElse("");
            if (contentType.contains("json") && !response.body().isEmpty()) {
                json = MAPPER.readTree(response.body());
            }
            return new Reply(response.statusCode(), response.headers(), response.body(), json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpClient http() {
        return http;
    }

    @Override
    public void close() {
        http.close();
    }
}
