package dev.voting.api;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.voting.api.app.ApiApplication;
import dev.voting.shared.json.Json;
import dev.voting.shared.redis.RedisKeys;
import dev.voting.testkit.ApiClient;
import dev.voting.testkit.Isolated;
import dev.voting.testkit.RawHttp;
import dev.voting.testkit.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Malformed and hostile requests, each answered with the right 4xx problem; afterwards the server
 * is healthy and nothing was queued or claimed. Requests go out as raw bytes, so that the server
 * sees exactly what a hostile client would send.
 */
class BadInputIT {
    private static final ObjectMapper MAPPER = Json.newMapper();
    private static Isolated env;
    private static ApiApplication api;
    private static long pollId;
    private static long candidate;
    private static long queuedBefore;
    private static final int DROPPED = -1;

    /**
     * {@code type} is the problem's slug: the document's {@code type} is {@code /problems/<slug>}. Status {@link #DROPPED} is for headers past the server's
     * limits: the JDK server stops reading and closes the connection before the application sees the
     * request (it has no 431), so nothing of it is processed.
     */
    private record Case(String name, int status, String type, byte[] request) {
    }

    @BeforeAll
    static void start() {
        env = Isolated.create();
        api = ApiApplication.start(ApiConfig.from(env.environment()), Clock.systemUTC());
        try (ApiClient client = new ApiClient(api.port())) {
            JsonNode poll = client.createPoll("Hostile", "Alpha", "Beta");
            pollId = poll.path("id").asLong();
            candidate = poll.path("candidates").get(0).path("id").asLong();
        }
        queuedBefore = env.messagesReady(env.queue());
    }

    @AfterAll
    static void stop() {
        api.close();
        env.close();
    }

    @TestFactory
    Stream<DynamicTest> eachHostileRequestGetsTheRightProblem() {
        List<Case> cases = cases();
        assertTrue(cases.size() >= 40, "the table holds " + cases.size() + " cases");
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            RawHttp.Answer answer = RawHttp.send(api.port(), c.request());
            assertEquals(c.status(), answer.status(), c.name() + ": " + answer.body());
            if (c.type() != null) {
                assertEquals("application/problem+json", answer.header("Content-Type"));
                JsonNode problem = MAPPER.readTree(answer.body());
                assertAll(
                        () -> assertEquals("/problems/" + c.type(), problem.path("type").asText()),
                        () -> assertEquals(c.status(), problem.path("status").asInt()),
                        () -> assertEquals(answer.header("X-Request-Id"), problem.path("instance").asText(), "instance: the request id"),
                        () -> assertFalse(problem.path("detail").asText().isBlank(), "the problem says why"),
                        () -> assertFalse(answer.body().contains(Tokens.SECRET), "no secret in a refusal"));
            }
            if (c.status() == 401) {
                assertEquals("Bearer error=\"invalid_token\"", answer.header("WWW-Authenticate"));
            }
        }));
    }

    @Test
    void afterTheTableTheServerIsHealthyAndNothingWasCounted() {
        for (Case c : cases()) {  // once more, so that this test holds whatever order the table ran in
            RawHttp.send(api.port(), c.request());
        }
        assertEquals(200, RawHttp.send(api.port(), get("/healthz", List.of())).status());
        assertEquals(queuedBefore, env.messagesReady(env.queue()), "no hostile request queued a vote");
        assertEquals(1, env.queryLong("SELECT count(*) FROM polls"), "no hostile request created a poll");
        // The table's tokens name these subjects, and the slice has this one poll: no claim may exist for
        // either (a KEYS scan of the prefix would walk every key of a shared Redis).
        RedisKeys keys = new RedisKeys(env.config().redis().keyPrefix());
        for (String subject : List.of("mallory", "mal\u0007lory")) {
            assertFalse(env.redis().hexists(keys.voterMarkers(pollId), subject), "no claim for " + subject);
        }
        try (ApiClient client = new ApiClient(api.port())) {
            assertEquals(202, client.vote(pollId, "honest-voter", candidate).status(), "an honest vote still goes through");
        }
    }

    private static List<Case> cases() {
        String votes = "/api/v1/polls/" + pollId + "/votes";
        String voter = Tokens.voter("mallory");
        List<Case> t = new ArrayList<>();
        // --- the body of a vote ---
        t.add(vote("truncated JSON", 400, "malformed_request", "{\"candidateId\":"));
        t.add(vote("empty body", 400, "malformed_request", ""));
        t.add(vote("JSON null", 400, "malformed_request", "null"));
        t.add(vote("an array instead of an object", 400, "malformed_request", "[" + candidate + "]"));
        t.add(vote("candidateId as a string", 400, "malformed_request", "{\"candidateId\":\"" + candidate + "\"}"));
        t.add(vote("candidateId as a fraction", 400, "malformed_request", "{\"candidateId\":" + candidate + ".5}"));
        t.add(vote("candidateId as a boolean", 400, "malformed_request", "{\"candidateId\":true}"));
        t.add(vote("candidateId beyond 64 bits", 400, "malformed_request", "{\"candidateId\":123456789012345678901234567890}"));
        t.add(vote("candidateId in exponent form", 400, "malformed_request", "{\"candidateId\":1e3}"));
        t.add(vote("candidateId NaN", 400, "malformed_request", "{\"candidateId\":NaN}"));
        t.add(vote("negative candidateId", 422, "unknown_candidate", "{\"candidateId\":-1}"));
        t.add(vote("candidateId zero", 422, "unknown_candidate", "{\"candidateId\":0}"));
        t.add(vote("candidate of no poll", 422, "unknown_candidate", "{\"candidateId\":9223372036854775807}"));
        t.add(vote("missing candidateId", 422, "invalid_fields", "{}"));  // readable, a field missing: 422 like a poll without title
        t.add(vote("candidateId null", 422, "invalid_fields", "{\"candidateId\":null}"));
        t.add(vote("unknown field", 400, "malformed_request", "{\"candidateId\":" + candidate + ",\"voterId\":\"alice\"}"));
        t.add(vote("duplicate JSON keys", 400, "malformed_request", "{\"candidateId\":" + candidate + ",\"candidateId\":" + candidate + "}"));
        t.add(vote("operator object as id", 400, "malformed_request", "{\"candidateId\":{\"$gt\":0}}"));
        t.add(vote("trailing garbage", 400, "malformed_request", "{\"candidateId\":" + candidate + "} DROP TABLE votes"));
        t.add(vote("comment in JSON", 400, "malformed_request", "{/* hi */\"candidateId\":" + candidate + "}"));
        t.add(vote("homoglyph key (Cyrillic a)", 400, "malformed_request", "{\"c\u0430ndidateId\":" + candidate + "}"));
        t.add(vote("zero-width space in key", 400, "malformed_request", "{\"candidate\u200bId\":" + candidate + "}"));
        t.add(new Case("invalid UTF-8 bytes", 400, "malformed_request", post(votes, voter, "application/json",
                concat("{\"candidateId\":".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xff, (byte) 0xfe, '}'}))));
        // --- content types and sizes ---
        t.add(new Case("text/plain body", 415, "unsupported_media_type", post(votes, voter, "text/plain", json(candidate))));
        t.add(new Case("no Content-Type", 415, "unsupported_media_type", post(votes, voter, null, json(candidate))));
        t.add(new Case("form encoded", 415, "unsupported_media_type", post(votes, voter, "application/x-www-form-urlencoded",
                ("candidateId=" + candidate).getBytes(StandardCharsets.UTF_8))));
        t.add(new Case("JSON in Latin-1", 415, "unsupported_media_type", post(votes, voter, "application/json; charset=iso-8859-1", json(candidate))));
        t.add(new Case("2 MB declared, never sent", 413, "payload_too_large", RawHttp.request("POST", votes,
                List.of("Authorization: Bearer " + voter, "Content-Type: application/json", "Content-Length: 2097152"), null)));
        t.add(new Case("32 kB chunked, past the 16 kB limit", 413, "payload_too_large", RawHttp.request("POST", votes,
                List.of("Authorization: Bearer " + voter, "Content-Type: application/json", "Transfer-Encoding: chunked"),
                chunked(new byte[32 * 1024]))));
        // --- ids in paths ---
        t.add(new Case("SQL in the poll id", 404, "not_found", post("/api/v1/polls/1%27%20OR%20%271%27=%271/votes", voter, "application/json", json(candidate))));
        t.add(new Case("poll id beyond 64 bits", 404, "not_found", post("/api/v1/polls/99999999999999999999999/votes", voter, "application/json", json(candidate))));
        t.add(new Case("negative poll id", 404, "not_found", post("/api/v1/polls/-" + pollId + "/votes", voter, "application/json", json(candidate))));
        t.add(new Case("poll id in Arabic-Indic digits", 404, "not_found", post("/api/v1/polls/" + arabicIndic(pollId) + "/votes", voter, "application/json", json(candidate))));
        t.add(new Case("poll id with a plus sign", 404, "not_found", post("/api/v1/polls/+" + pollId + "/votes", voter, "application/json", json(candidate))));
        t.add(new Case("poll that does not exist", 404, "not_found", post("/api/v1/polls/987654321/votes", voter, "application/json", json(candidate))));
        t.add(new Case("SQL in the vote id", 404, "not_found", get("/api/v1/votes/x%27%20OR%201=1--", List.of("Authorization: Bearer " + voter))));
        t.add(new Case("vote id not a UUID", 404, "not_found", get("/api/v1/votes/not-a-uuid", List.of("Authorization: Bearer " + voter))));
        // --- static routes ---
        t.add(new Case("path traversal with dots", 404, "not_found", get("/static/../../etc/passwd", List.of())));
        t.add(new Case("path traversal encoded", 404, "not_found", get("/static/..%2F..%2Fetc%2Fpasswd", List.of())));
        t.add(new Case("path traversal into docs", 404, "not_found", get("/docs/%2e%2e/%2e%2e/pom.xml", List.of())));
        t.add(new Case("NUL in a file name", 404, "not_found", get("/docs/swagger-ui.css%00.js", List.of())));
        // --- tokens and roles ---
        t.add(new Case("no token", 401, "invalid_token", post(votes, null, "application/json", json(candidate))));
        t.add(new Case("Basic instead of Bearer", 401, "invalid_token", rawAuth(votes, "Basic bWFsbG9yeTpwdw==")));
        t.add(new Case("expired token", 401, "invalid_token", post(votes,
                Tokens.sign("mallory", List.of(), Duration.ofSeconds(-60)), "application/json", json(candidate))));
        t.add(new Case("alg=none token", 401, "invalid_token", post(votes, JWT.create().withSubject("mallory")
                .withExpiresAt(Instant.now().plusSeconds(60)).sign(Algorithm.none()), "application/json", json(candidate))));
        t.add(new Case("token signed with another key", 401, "invalid_token", post(votes, JWT.create().withSubject("mallory")
                .withExpiresAt(Instant.now().plusSeconds(60)).sign(Algorithm.HMAC256("forged-secret-of-sufficient-length-000")),
                "application/json", json(candidate))));
        t.add(new Case("token without exp", 401, "invalid_token", post(votes, JWT.create().withSubject("mallory")
                .sign(Algorithm.HMAC256(Tokens.SECRET)), "application/json", json(candidate))));
        t.add(new Case("subject with a control character", 401, "invalid_token", post(votes,
                Tokens.sign("mal\u0007lory", List.of(), Duration.ofMinutes(5)), "application/json", json(candidate))));
        t.add(new Case("not a JWT", 401, "invalid_token", rawAuth(votes, "Bearer abc.def.ghi")));
        t.add(new Case("two Authorization headers", 401, "invalid_token", RawHttp.request("POST", votes,
                List.of("Authorization: Bearer " + voter, "Authorization: Bearer " + Tokens.admin(), "Content-Type: application/json"),
                json(candidate))));
        t.add(new Case("a voter creates a poll", 403, "forbidden", post("/api/v1/polls", voter, "application/json",
                "{\"title\":\"mine\",\"candidates\":[{\"name\":\"a\"},{\"name\":\"b\"}]}".getBytes(StandardCharsets.UTF_8))));
        t.add(new Case("a voter closes a poll", 403, "forbidden", post("/api/v1/polls/" + pollId + "/close", voter, null, null)));
        // --- polls, as an admin ---
        t.add(new Case("poll with one candidate", 422, "invalid_fields", post("/api/v1/polls", Tokens.admin(), "application/json",
                "{\"title\":\"t\",\"candidates\":[{\"name\":\"a\"}]}".getBytes(StandardCharsets.UTF_8))));
        t.add(new Case("poll without a title", 422, "invalid_fields", post("/api/v1/polls", Tokens.admin(), "application/json",
                "{\"candidates\":[{\"name\":\"a\"},{\"name\":\"b\"}]}".getBytes(StandardCharsets.UTF_8))));
        t.add(new Case("candidate without a name", 422, "invalid_fields", post("/api/v1/polls", Tokens.admin(), "application/json",
                "{\"title\":\"t\",\"candidates\":[{\"name\":\"a\"},{}]}".getBytes(StandardCharsets.UTF_8))));
        t.add(new Case("poll with an empty title", 422, "invalid_fields", post("/api/v1/polls", Tokens.admin(), "application/json",
                "{\"title\":\"\",\"candidates\":[{\"name\":\"a\"},{\"name\":\"b\"}]}".getBytes(StandardCharsets.UTF_8))));
        t.add(new Case("poll closing at no real date", 422, "invalid_fields", post("/api/v1/polls", Tokens.admin(), "application/json",
                "{\"title\":\"t\",\"candidates\":[{\"name\":\"a\"},{\"name\":\"b\"}],\"closesAt\":\"2030-02-30T25:00:00Z\"}"
                        .getBytes(StandardCharsets.UTF_8))));
        // --- methods, queries, headers ---
        t.add(new Case("DELETE a poll", 405, "method_not_allowed", RawHttp.request("DELETE", "/api/v1/polls/" + pollId,
                List.of("Authorization: Bearer " + Tokens.admin()), null)));
        t.add(new Case("limit not a number", 400, "malformed_request", get("/api/v1/polls?limit=abc", List.of())));
        t.add(new Case("limit beyond the maximum", 400, "malformed_request", get("/api/v1/polls?limit=1000000", List.of())));
        t.add(new Case("repeated query parameter", 400, "malformed_request", get("/api/v1/polls?status=open&status=all", List.of())));
        t.add(new Case("SQL in the cursor", 400, "malformed_request", get("/api/v1/polls?cursor=1%20OR%201=1", List.of())));
        t.add(new Case("a 20 kB header", DROPPED, null, get("/healthz", List.of("X-Junk: " + "a".repeat(20 * 1024)))));
        t.add(new Case("200 headers", DROPPED, null, get("/healthz", junkHeaders(200))));
        return t;
    }

    private static Case vote(String name, int status, String type, String body) {
        return new Case(name, status, type, post("/api/v1/polls/" + pollId + "/votes", Tokens.voter("mallory"), "application/json",
                body.getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] post(String path, String token, String contentType, byte[] body) {
        List<String> headers = new ArrayList<>();
        if (token != null) {
            headers.add("Authorization: Bearer " + token);
        }
        if (contentType != null) {
            headers.add("Content-Type: " + contentType);
        }
        return RawHttp.request("POST", path, headers, body == null ? new byte[0] : body);
    }

    private static byte[] rawAuth(String path, String authorization) {
        return RawHttp.request("POST", path, List.of("Authorization: " + authorization, "Content-Type: application/json"), json(candidate));
    }

    private static byte[] get(String path, List<String> headers) {
        return RawHttp.request("GET", path, headers, null);
    }

    private static byte[] json(long candidateId) {
        return ("{\"candidateId\":" + candidateId + "}").getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> junkHeaders(int count) {
        List<String> headers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            headers.add("X-Junk-" + i + ": " + i);
        }
        return headers;
    }

    private static String arabicIndic(long number) {
        StringBuilder digits = new StringBuilder();
        for (char c : Long.toString(number).toCharArray()) {
            digits.append((char) ('\u0660' + (c - '0')));
        }
        return digits.toString();
    }

    private static byte[] chunked(byte[] body) {
        byte[] head = (Integer.toHexString(body.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] tail = "\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        return concat(concat(head, body), tail);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
