package dev.voting.api;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.voting.shared.json.Json;
import dev.voting.shared.redis.RedisKeys;
import dev.voting.testkit.ApiClient;
import dev.voting.testkit.Isolated;
import dev.voting.testkit.RawHttp;
import dev.voting.testkit.Tokens;
import dev.voting.testkit.process.Child;
import dev.voting.testkit.process.JavaApp;
import dev.voting.testkit.process.Ports;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One test per attack on a public deployment, against the API run from its jar (the JDK reads the
 * server's limits once per JVM) with small limits, on the real services. Each test says what the
 * attacker does, and checks what a legitimate voter on another address sees meanwhile: a vote
 * answered 202 within {@link #LEGITIMATE_LATENCY}. The attackers come from addresses of their own
 * in 127.0.0.0/8 (all of it is loopback on Linux); {@value #PROXY} plays the deployment's load
 * balancer, the one trusted proxy.
 */
class AbuseIT {
    private static final int MAX_VOTES_IN_FLIGHT = 4;
    private static final int MAX_REQUESTS_PER_CLIENT = 8;
    private static final int MAX_READ_SECONDS = 3;
    private static final int MAX_UNKNOWN_POLLS = 50;
    private static final String PROXY = "127.0.0.2";
    /** A vote takes milliseconds here: a second leaves room for a busy machine, and is far below what any attack costs. */
    private static final Duration LEGITIMATE_LATENCY = Duration.ofSeconds(1);
    /** The server's timer looks at slow requests once a second. */
    private static final Duration CUT_OFF_WITHIN = Duration.ofSeconds(MAX_READ_SECONDS + 3);
    private static final ObjectMapper JSON = Json.newMapper();

    private static Isolated env;
    private static Child api;
    private static int port;
    private static int metricsPort;
    private static ApiClient voter;
    private static long pollId;
    private static long candidateId;

    @BeforeAll
    static void start() {
        env = Isolated.create();
        port = Ports.free();
        metricsPort = Ports.free();
        Map<String, String> settings = new HashMap<>(env.environment());
        settings.put("API_PORT", Integer.toString(port));
        settings.put("API_METRICS_PORT", Integer.toString(metricsPort));
        settings.put("API_MAX_VOTES_IN_FLIGHT", Integer.toString(MAX_VOTES_IN_FLIGHT));
        settings.put("API_MAX_REQUESTS_PER_CLIENT", Integer.toString(MAX_REQUESTS_PER_CLIENT));
        settings.put("API_MAX_READ_SECONDS", Integer.toString(MAX_READ_SECONDS));
        settings.put("POLL_CACHE_MAX_UNKNOWN", Integer.toString(MAX_UNKNOWN_POLLS));
        settings.put("TRUSTED_PROXIES", PROXY + "/32");
        settings.put("TRUSTED_PROXY_HEADER", "X-Forwarded-For");
        api = JavaApp.startApi("api-abuse", settings, Path.of("target", "abuse"));
        voter = new ApiClient(port);
        JsonNode poll = voter.createPoll("Abuse", "A", "B");
        pollId = poll.path("id").asLong();
        candidateId = poll.path("candidates").get(0).path("id").asLong();
        assertEquals(202, voter.vote(pollId, "warm-up", candidateId).status(), "the vote path is loaded before any timing");
    }

    @AfterAll
    static void stop() {
        if (voter != null) {
            voter.close();
        }
        if (api != null) {
            api.close();
        }
        if (env != null) {
            env.close();
        }
    }

    @Test
    void slowBodiesFromOneTokenHoldNoVoteSlotAndAreCutOff() throws Exception {
        // Attack: one voter token opens more votes than the server has vote slots, and trickles each body a byte at a time.
        String token = Tokens.voter("slow-attacker");
        List<Socket> slow = new ArrayList<>();
        long attackStart = System.nanoTime();
        try (ExecutorService tricklers = Executors.newVirtualThreadPerTaskExecutor()) {
            try {
                for (int i = 0; i < MAX_VOTES_IN_FLIGHT + 2; i++) {
                    Socket socket = slowVote("127.0.0.3", token);
                    slow.add(socket);
                    tricklers.submit(() -> trickle(socket));
                }
                Thread.sleep(500);  // every request's headers are read and its body is being waited for

                aLegitimateVoteIsAnsweredAtOnce();
                for (Socket socket : slow) {
                    assertTrue(isClosedBy(socket, attackStart + CUT_OFF_WITHIN.toNanos()),
                            "a body still trickling is cut off after API_MAX_READ_SECONDS (" + MAX_READ_SECONDS + " s)");
                }
            } finally {
                closeAll(slow);
            }
        }
        aLegitimateVoteIsAnsweredAtOnce();
    }

    @Test
    void aRequestFloodFromOneAddressIsCappedAndRefusedWithRetryAfter() throws Exception {
        // Attack: one address opens three times its allowance of requests and holds them all open.
        String token = Tokens.voter("flood-attacker");
        List<Socket> flood = new ArrayList<>();
        try {
            for (int i = 0; i < 3 * MAX_REQUESTS_PER_CLIENT; i++) {
                flood.add(slowVote("127.0.0.4", token));
            }
            List<Answer> answers = awaitAnswers(flood, flood.size() - MAX_REQUESTS_PER_CLIENT, Duration.ofMillis(2_000));
            assertEquals(MAX_REQUESTS_PER_CLIENT, answers.stream().filter(Answer::isHeld).count(), answers.toString());
            for (Answer refused : answers.stream().filter(a -> !a.isHeld()).toList()) {
                assertEquals(429, refused.status(), refused.head());
                assertTrue(refused.header("retry-after") != null, "429 says when to retry: " + refused.head());
            }

            aLegitimateVoteIsAnsweredAtOnce();
        } finally {
            closeAll(flood);
        }
    }

    @Test
    void votesForMadeUpPollIdsCostBoundedMemory() throws Exception {
        // Attack: votes for ten times as many poll ids as are remembered, none of which exists.
        String token = Tokens.voter("unknown-poll-attacker");
        int ids = 10 * MAX_UNKNOWN_POLLS;
        try (ApiClient attacker = new ApiClient(port, InetAddress.ofLiteral("127.0.0.5"));
             ExecutorService senders = Executors.newFixedThreadPool(MAX_REQUESTS_PER_CLIENT / 2, Thread.ofVirtual().factory())) {
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i < ids; i++) {
                long unknown = 900_000_000L + i;
                statuses.add(senders.submit(() -> attacker.post("/api/v1/polls/" + unknown + "/votes", token,
                        "{\"candidateId\":1}").status()));
            }
            for (Future<Integer> status : statuses) {
                assertEquals(404, status.get());
            }
        }
        double remembered = gauge("polls_cached", "kind=\"unknown\"");
        assertTrue(remembered > 0 && remembered <= MAX_UNKNOWN_POLLS,
                ids + " made-up ids, at most POLL_CACHE_MAX_UNKNOWN remembered: " + remembered);

        aLegitimateVoteIsAnsweredAtOnce();
    }

    @Test
    void hugeLimitsAndCursorsAre400NotAServerError() {
        // Attack: list parameters past every integer type, hoping for a 500 or a query that reads the whole table.
        try (ApiClient attacker = new ApiClient(port, InetAddress.ofLiteral("127.0.0.6"))) {
            for (String query : List.of("limit=4294967295", "limit=2147483648", "limit=9223372036854775808",
                    "limit=99999999999999999999", "limit=0", "limit=-1", "limit=201", "limit=%2B5", "limit=1e3", "limit=",
                    "cursor=0", "cursor=-1", "cursor=99999999999999999999", "cursor=18446744073709551615", "cursor=%E0%A5%AD")) {
                ApiClient.Reply reply = attacker.get("/api/v1/polls?" + query);
                assertEquals(400, reply.status(), query + ": " + reply.body());
                assertEquals("/problems/malformed_request", reply.type(), query);
                assertTrue(reply.json().path("detail").asText().contains("must be a whole number from 1 to"), reply.body());
            }
            assertEquals(200, attacker.get("/api/v1/polls?limit=200&cursor=9223372036854775807").status(), "the edges are valid");
        }

        aLegitimateVoteIsAnsweredAtOnce();
    }

    @Test
    void forwardingHeadersFromAnUntrustedPeerAreIgnored() throws Exception {
        // Attack: a client writes X-Forwarded-For and Forwarded itself, another address on each request, to get around
        // the per-client cap and to be recorded as someone else.
        String from = "127.0.0.7";
        String token = Tokens.voter("forging-attacker");
        try (ApiClient attacker = new ApiClient(port, InetAddress.ofLiteral(from))) {
            ApiClient.Reply vote = attacker.send(attacker.request("/api/v1/polls/" + pollId + "/votes", token)
                    .header("Content-Type", "application/json")
                    .header("X-Forwarded-For", "203.0.113.50")
                    .header("Forwarded", "for=203.0.113.50")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"candidateId\":" + candidateId + "}")).build());
            assertEquals(202, vote.status(), vote.body());
            assertEquals(from, recordedClientIp(vote), "the vote is recorded with the real peer");
        }
        List<Socket> forged = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_REQUESTS_PER_CLIENT + 4; i++) {
                forged.add(slowVote(from, token, "X-Forwarded-For: 203.0.113." + (i + 1), "Forwarded: for=203.0.113." + (i + 1)));
            }
            List<Answer> answers = awaitAnswers(forged, forged.size() - MAX_REQUESTS_PER_CLIENT, Duration.ofMillis(2_000));
            assertEquals(MAX_REQUESTS_PER_CLIENT, answers.stream().filter(Answer::isHeld).count(),
                    "counted as one client, whatever it claims: " + answers);
            answers.stream().filter(a -> !a.isHeld()).forEach(a -> assertEquals(429, a.status(), a.head()));

            aLegitimateVoteIsAnsweredAtOnce();
        } finally {
            closeAll(forged);
        }
    }

    @Test
    void theTrustedProxysHeaderNamesTheClientAndEachClientIsLimitedAsItself() throws Exception {
        // Not an attack: the load balancer (the one trusted peer) carries many clients. The client it names is limited and
        // recorded, never the proxy as one client for everybody; the leftmost hops, which the client wrote, are not believed.
        try (ApiClient proxy = new ApiClient(port, InetAddress.ofLiteral(PROXY))) {
            ApiClient.Reply vote = viaProxy(proxy, "proxied-voter", "192.0.2.1, 203.0.113.9");
            assertEquals(202, vote.status(), vote.body());
            assertEquals("203.0.113.9", recordedClientIp(vote));

            String token = Tokens.voter("proxied-holder");
            List<Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < MAX_REQUESTS_PER_CLIENT; i++) {
                    held.add(slowVote(PROXY, token, "X-Forwarded-For: 203.0.113.9"));
                    held.add(slowVote(PROXY, token, "X-Forwarded-For: 2001:db8:1:2::" + (i + 1)));  // one subscriber's /64
                }
                Socket oneMore = slowVote(PROXY, token, "X-Forwarded-For: 203.0.113.9");
                Socket sameSubscriber = slowVote(PROXY, token, "X-Forwarded-For: 2001:db8:1:2::ffff");
                held.add(oneMore);
                held.add(sameSubscriber);
                Thread.sleep(500);
                // within the 3 s the held ones may take to arrive: a busy machine needed more than one
                assertEquals(429, answerWithin(oneMore, Duration.ofSeconds(2)).status(), "203.0.113.9 is at its cap");
                assertEquals(429, answerWithin(sameSubscriber, Duration.ofSeconds(2)).status(), "so is 2001:db8:1:2::/64");
                for (Socket socket : held.subList(0, 2 * MAX_REQUESTS_PER_CLIENT)) {
                    assertTrue(answerWithin(socket, Duration.ofMillis(20)).isHeld());
                }
                assertEquals(202, viaProxy(proxy, "other-client", "198.51.100.3").status(), "another client behind the same proxy");
                assertEquals(202, viaProxy(proxy, "next-subscriber", "2001:db8:1:3::1").status(), "another /64");
            } finally {
                closeAll(held);
            }
        }

        aLegitimateVoteIsAnsweredAtOnce();
    }

    @Test
    void theExampleSecretOnAPublicAddressIsRefusedAtStart() throws Exception {
        // Attack: sign an admin token with the secret published in .env.example, against a deployment that kept it.
        String published = envExample("JWT_SECRET_KEY");
        String forged = JWT.create().withSubject("attacker").withClaim("roles", List.of("admin"))
                .withExpiresAt(Instant.now().plusSeconds(600)).sign(Algorithm.HMAC256(published));
        int exposedPort = Ports.free();
        Map<String, String> settings = new HashMap<>(env.environment());
        settings.putAll(Map.of("JWT_SECRET_KEY", published, "API_HOST", "0.0.0.0",
                "API_PORT", Integer.toString(exposedPort), "API_METRICS_PORT", Integer.toString(Ports.free())));
        try (Child exposed = JavaApp.process("api-example-secret", JavaApp.jar("api", "voting-api.jar"), settings,
                Path.of("target", "abuse")).start()) {
            assertTrue(exposed.await(Duration.ofSeconds(30)), "the API stops instead of serving:\n" + exposed.tail(20));
            assertEquals(1, exposed.exitCode());
            assertTrue(exposed.tail(20).contains("JWT_SECRET_KEY: is an example published with the project"), exposed.tail(20));
            assertFalse(exposed.tail(20).contains(published), "the secret itself is not logged");
            assertFalse(Ports.answers(exposedPort));
        }
        ApiClient.Reply refused = voter.post("/api/v1/polls", forged, "{\"title\":\"Mine\",\"candidates\":[{\"name\":\"X\"}]}");
        assertEquals(401, refused.status(), "a deployment with a secret of its own refuses the forged admin token");

        aLegitimateVoteIsAnsweredAtOnce();
    }

    /** What the attack must not change: a vote from another address is answered 202, as fast as ever. */
    private static void aLegitimateVoteIsAnsweredAtOnce() {
        long start = System.nanoTime();
        ApiClient.Reply reply = voter.vote(pollId, "legitimate-" + UUID.randomUUID(), candidateId);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertEquals(202, reply.status(), "the legitimate voter: " + reply.body());
        assertTrue(took.compareTo(LEGITIMATE_LATENCY) < 0, "the legitimate vote took " + took.toMillis() + " ms");
    }

    private static ApiClient.Reply viaProxy(ApiClient proxy, String voterId, String forwardedFor) {
        return proxy.send(proxy.request("/api/v1/polls/" + pollId + "/votes", Tokens.voter(voterId))
                .header("Content-Type", "application/json")
                .header("X-Forwarded-For", forwardedFor)
                .POST(HttpRequest.BodyPublishers.ofString("{\"candidateId\":" + candidateId + "}")).build());
    }

    /** The client address the accepted vote carries to the worker (its pending record in Redis). */
    private static String recordedClientIp(ApiClient.Reply accepted) throws IOException {
        UUID voteId = UUID.fromString(accepted.json().path("voteId").asText());
        String pending = env.redis().get(new RedisKeys(env.config().redis().keyPrefix()).pendingVote(voteId));
        return JSON.readTree(pending).path("clientIp").asText();
    }

    /** A vote whose body never finishes: the headers, 15 of the 64 bytes declared, then nothing. */
    private static Socket slowVote(String from, String token, String... headers) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(from, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        StringBuilder request = new StringBuilder("POST /api/v1/polls/" + pollId + "/votes HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: Bearer " + token + "\r\nContent-Type: application/json\r\nContent-Length: 64\r\n");
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        request.append("\r\n{\"candidateId\":");
        OutputStream out = socket.getOutputStream();
        out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return socket;
    }

    /** One more byte of body every 300 ms, never enough to finish it, until the connection is gone. */
    private static void trickle(Socket socket) {
        try {
            for (int i = 0; i < 40; i++) {
                Thread.sleep(300);
                socket.getOutputStream().write(' ');
                socket.getOutputStream().flush();
            }
        } catch (IOException | InterruptedException e) {
            // the server cut the connection, or the test closed it
        }
    }

    /** What came back on a socket: a status and head, or nothing yet ({@code 0}, the request is held), or a close ({@code -1}). */
    private record Answer(int status, String head) {
        boolean isHeld() {
            return status == 0;
        }

        String header(String name) {
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith(name + ":")) {
                    return line.substring(name.length() + 1).strip();
                }
            }
            return null;
        }
    }

    /**
     * The answers on {@code sockets}, in order, once {@code expected} of them have one or {@code bound}
     * has passed (a held one reads as no answer): refusals arrive as fast as the server gets to them.
     */
    private static List<Answer> awaitAnswers(List<Socket> sockets, int expected, Duration bound) throws IOException {
        Answer[] answers = new Answer[sockets.size()];
        long deadline = System.nanoTime() + bound.toNanos();
        int answered = 0;
        do {
            for (int i = 0; i < sockets.size(); i++) {
                if (answers[i] == null || answers[i].isHeld()) {
                    answers[i] = answerWithin(sockets.get(i), Duration.ofMillis(20));
                    answered += answers[i].isHeld() ? 0 : 1;
                }
            }
        } while (answered < expected && System.nanoTime() < deadline);
        return List.of(answers);
    }

    private static Answer answerWithin(Socket socket, Duration wait) throws IOException {
        socket.setSoTimeout((int) Math.max(1, wait.toMillis()));
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        boolean closed = false;
        try {
            for (int b; !got.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n"); got.write(b)) {
                b = in.read();
                if (b == -1) {
                    closed = true;
                    break;
                }
            }
        } catch (SocketTimeoutException e) {
            // nothing (more) within the wait
        } catch (SocketException e) {
            closed = true;
        }
        String head = got.toString(StandardCharsets.ISO_8859_1);
        if (head.startsWith("HTTP/1.1 ") && head.length() >= 12) {
            return new Answer(Integer.parseInt(head.substring(9, 12)), head);
        }
        return new Answer(closed ? -1 : 0, head);
    }

    /** True when the server closed (or reset) the connection before {@code deadlineNanos}. */
    private static boolean isClosedBy(Socket socket, long deadlineNanos) throws IOException {
        return RawHttp.isClosedWithin(socket, Duration.ofNanos(Math.max(1_000_000, deadlineNanos - System.nanoTime())));
    }

    private static void closeAll(List<Socket> sockets) {
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
    }

    /** A Prometheus sample of the API's operator port, e.g. {@code polls_cached} with {@code kind="unknown"}. */
    private static double gauge(String name, String label) {
        String scrape;
        try (ApiClient ops = new ApiClient(metricsPort)) {
            scrape = ops.get("/metrics").body();
        }
        for (String line : scrape.split("\n")) {
            if (line.startsWith(name + "{") && line.contains(label)) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError(name + "{" + label + "} is not exported");
    }

    /** A value of {@code .env.example}, the file a newcomer copies. */
    private static String envExample(String variable) throws IOException {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path file = dir.resolve(".env.example");
            if (Files.isRegularFile(file)) {
                return Files.readAllLines(file).stream().filter(l -> l.startsWith(variable + "="))
                        .map(l -> l.substring(variable.length() + 1)).findFirst()
                        .orElseThrow(() -> new AssertionError(".env.example has no " + variable));
            }
        }
        throw new AssertionError("no .env.example above " + Path.of("").toAbsolutePath());
    }
}
