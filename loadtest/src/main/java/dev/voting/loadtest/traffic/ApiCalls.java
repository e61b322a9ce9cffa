package dev.voting.loadtest.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.voting.shared.json.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The few calls the load tools make outside the measured traffic: is anything there, create a poll. */
public final class ApiCalls {
    /** A poll made for one run, so that its counts belong to that run alone. */
    public record CreatedPoll(long id, List<Long> candidateIds) {
    }

    private final ObjectMapper mapper = Json.newMapper();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    private final String baseUrl;

    public ApiCalls(String baseUrl) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    /** True when something answers HTTP at the base URL (whatever the status). */
    public boolean answers() {
        try {
            send(HttpRequest.newBuilder(URI.create(baseUrl + "/healthz")).timeout(Duration.ofSeconds(2)).GET().build());
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** True when {@code /readyz} says the API takes votes with nothing degraded: PostgreSQL, Redis and RabbitMQ all answer. */
    public boolean ready() {
        try {
            HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(baseUrl + "/readyz"))
                    .timeout(Duration.ofSeconds(2)).GET().build());
            return response.statusCode() == 200 && mapper.readTree(response.body()).path("degraded").isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The value of each named sample in the Prometheus text at {@code /metrics} (0 for one not there
     * yet): counters and the sums and counts of summaries. For the API's, this is a client of its
     * operator port, not of its public one.
     */
    public Map<String, Double> metrics(List<String> names) {
        Map<String, Double> values = new LinkedHashMap<>();
        names.forEach(name -> values.put(name, 0.0));
        try {
            String text = send(HttpRequest.newBuilder(URI.create(baseUrl + "/metrics")).timeout(Duration.ofSeconds(5)).GET().build()).body();
            for (String line : text.split("\n")) {
                int space = line.lastIndexOf(' ');
                String sample = space < 0 ? "" : line.substring(0, space);
                int labels = sample.indexOf('{');
                String name = labels < 0 ? sample : sample.substring(0, labels);
                if (values.containsKey(name)) {
                    values.merge(name, Double.parseDouble(line.substring(space + 1)), Double::sum);
                }
            }
            return values;
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("cannot read the API's metrics at " + baseUrl + ": " + e.getMessage(), e);
        }
    }

    public CreatedPoll createPoll(VoterTokens tokens, String title, int candidates) {
        List<Map<String, String>> names = new ArrayList<>();
        for (int i = 1; i <= candidates; i++) {
            names.add(Map.of("name", "Candidate " + i));
        }
        try {
            String body = mapper.writeValueAsString(Map.of("title", title, "candidates", names));
            HttpResponse<String> reply = send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/polls"))
                    .timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + tokens.admin(Instant.now().plus(Duration.ofHours(1))))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build());
            if (reply.statusCode() != 201) {
                throw new IllegalStateException("creating a poll at " + baseUrl + " answered " + reply.statusCode() + ": "
                        + reply.body() + (reply.statusCode() == 401 ? " (is JWT_SECRET_KEY the system's?)" : ""));
            }
            JsonNode poll = mapper.readTree(reply.body());
            List<Long> ids = new ArrayList<>();
            poll.path("candidates").forEach(c -> ids.add(c.path("id").asLong()));
            return new CreatedPoll(poll.path("id").asLong(), List.copyOf(ids));
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a poll at " + baseUrl + ": " + e.getMessage(), e);
        }
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
