package dev.voting.e2e.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.voting.testkit.ApiClient;
import dev.voting.testkit.Isolated;
import dev.voting.testkit.Tokens;
import dev.voting.testkit.process.Child;
import dev.voting.testkit.process.JavaApp;
import dev.voting.testkit.process.Ports;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The API and a worker from their jars with {@code LOG_FORMAT=json}: every line each writes is one
 * JSON object, the request id a client sent reaches the worker's lines about its vote, and no line
 * holds a token, the JWT secret or a password.
 */
class StructuredLogsIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void jsonLinesCarryTheRequestIdFromTheApiToTheWorkerAndNoSecrets() throws Exception {
        Path logs = Path.of("target", "structured-logs").toAbsolutePath();
        Files.createDirectories(logs);
        Files.deleteIfExists(logs.resolve("api.log"));
        Files.deleteIfExists(logs.resolve("worker.log"));
        String requestId = "logs-it-" + UUID.randomUUID().toString().substring(0, 8);
        String voterToken = Tokens.voter("log-voter");
        try (Isolated env = Isolated.create()) {
            int port = Ports.free();
            Map<String, String> environment = new HashMap<>(env.environment());
            environment.put("API_PORT", Integer.toString(port));
            environment.put("LOG_FORMAT", "json");
            Map<String, String> workerEnvironment = new HashMap<>(environment);
            workerEnvironment.put("LOG_LEVEL", "DEBUG");  // the per-batch line is DEBUG: too chatty for production INFO
            try (Child api = JavaApp.process("api", JavaApp.jar("api", "voting-api.jar"), environment, logs).start();
                 Child worker = JavaApp.process("worker", JavaApp.jar("worker", "voting-worker.jar"), workerEnvironment, logs).start();
                 ApiClient client = new ApiClient(port)) {
                awaitReady(client, api);
                JsonNode poll = client.createPoll("Logs", "Yes", "No");
                long pollId = poll.path("id").asLong();
                String vote = "{\"candidateId\":" + poll.path("candidates").get(0).path("id").asLong() + "}";
                ApiClient.Reply accepted = client.send(client.request("/api/v1/polls/" + pollId + "/votes", voterToken)
                        .header("Content-Type", "application/json").header("X-Request-Id", requestId)
                        .POST(HttpRequest.BodyPublishers.ofString(vote)).build());
                assertEquals(202, accepted.status(), accepted.body());
                assertEquals(requestId, accepted.header("X-Request-Id"));
                String forged = voterToken.substring(0, voterToken.length() - 4) + "AAAA";
                assertEquals(401, client.post("/api/v1/polls/" + pollId + "/votes", forged, vote).status());

                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (!Files.readString(worker.log()).contains(requestId)) {
                    if (System.nanoTime() > deadline) {
                        fail("the worker never logged request " + requestId + ":\n" + worker.tail(20));
                    }
                    Thread.sleep(100);
                }
                assertTrue(api.terminate(Duration.ofSeconds(20)) && worker.terminate(Duration.ofSeconds(20)), "both stop on SIGTERM");
            }

            List<JsonNode> apiLines = jsonLines(logs.resolve("api.log"));
            List<JsonNode> workerLines = jsonLines(logs.resolve("worker.log"));
            assertTrue(apiLines.stream().anyMatch(l -> l.path("formattedMessage").asText().startsWith("API listening")), "API start logged");
            assertTrue(workerLines.stream().anyMatch(line -> line.path("mdc").path("requestId").asText().contains(requestId)
                            && line.path("loggerName").asText().endsWith("BatchHandler")),
                    "the worker's line about the batch names the request in its MDC");

            for (Path log : List.of(logs.resolve("api.log"), logs.resolve("worker.log"))) {
                String text = Files.readString(log);
                assertTrue(!text.contains(Tokens.SECRET), log + " holds the JWT secret");
                assertTrue(!text.contains("eyJ"), log + " holds a JWT");  // every JWT starts with the base64 of '{"'
                assertTrue(!text.contains("Bearer "), log + " holds an Authorization header");
                assertTrue(!text.contains("guest:guest"), log + " holds the broker's password");
            }
        }
    }

    private static void awaitReady(ApiClient client, Child api) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                if (client.get("/readyz").status() == 200) {
                    return;
                }
            } catch (RuntimeException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline || !api.isAlive()) {
                fail("the API did not become ready:\n" + api.tail(30));
            }
            Thread.sleep(200);
        }
    }

    /** Every line of a log as JSON; a line that is not one object fails the test. */
    private static List<JsonNode> jsonLines(Path log) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode json;
            try {
                json = MAPPER.readTree(line);
            } catch (IOException e) {
                throw new AssertionError(log.getFileName() + " has a line that is not JSON: " + line, e);
            }
            assertTrue(json.isObject() && json.has("level") && json.has("timestamp") && json.has("loggerName"),
                    log.getFileName() + ": " + line);
            lines.add(json);
        }
        assertTrue(lines.size() >= 2, log + " has lines");
        return lines;
    }
}
