package dev.voting.e2e;

import dev.voting.api.ApiConfig;
import com.fasterxml.jackson.databind.JsonNode;
import dev.voting.api.app.ApiApplication;
import dev.voting.testkit.ApiClient;
import dev.voting.testkit.Isolated;
import dev.voting.testkit.Tokens;
import dev.voting.testkit.process.Child;
import dev.voting.testkit.process.JavaApp;
import dev.voting.testkit.process.Ports;
import dev.voting.testkit.process.Processes;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTERM to the real processes: the API stops accepting, finishes the requests it is in the middle
 * of and waits for their confirms; the worker finishes the batch in hand, commits and acks; both
 * exit within their bounds.
 */
class GracefulShutdownIT {
    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final Pattern VOTE_ID = Pattern.compile("\"voteId\":\"([0-9a-f-]{36})\"");

    @Test
    void theApiFinishesRequestsInFlightAndTheirVotesAreDurable() throws Exception {
        try (Isolated env = Isolated.create()) {
            int port = Ports.free();
            Map<String, String> settings = new HashMap<>(env.environment());
            settings.put("API_PORT", Integer.toString(port));
            try (Child api = JavaApp.process("api-shutdown", JavaApp.jar("api", "voting-api.jar"), settings,
                    Path.of("target", "graceful-shutdown")).start();
                 ApiClient client = new ApiClient(port)) {
                Processes.awaitPort(api, port, Duration.ofSeconds(60));
                JsonNode poll = client.createPoll("Shutdown", "A", "B");
                long pollId = poll.path("id").asLong();
                String body = "{\"candidateId\":" + poll.path("candidates").get(0).path("id").asLong() + "}";

                // Three requests the server is in the middle of: headers sent, half of the body still to come.
                List<Socket> inFlight = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    Socket socket = new Socket();
                    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                    socket.setSoTimeout(30_000);
                    String head = "POST /api/v1/polls/" + pollId + "/votes HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                            + "Authorization: Bearer " + Tokens.voter("late-" + i) + "\r\nContent-Type: application/json\r\n"
                            + "Content-Length: " + body.length() + "\r\n\r\n" + body.substring(0, 5);
                    socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
                    inFlight.add(socket);
                }
                Thread.sleep(300);  // the handlers are reading the bodies
                api.signal("TERM");
                Thread.sleep(1_000);
                assertTrue(refusesNewConnections(port), "after SIGTERM the API takes no new connections");

                Set<String> accepted = new HashSet<>();
                for (Socket socket : inFlight) {
                    try (socket) {
                        OutputStream out = socket.getOutputStream();
                        out.write(body.substring(5).getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                        assertTrue(answer.startsWith("HTTP/1.1 202"), "an in-flight request is finished: " + answer);
                        Matcher id = VOTE_ID.matcher(answer);
                        assertTrue(id.find(), answer);
                        accepted.add(id.group(1));
                    }
                }
                assertTrue(api.await(BOUND), "the API exited within " + BOUND.toSeconds() + " s");
                assertEquals(143, api.exitCode(), "a clean exit on SIGTERM");
                assertEquals(accepted, env.takeQueuedVotes().stream().map(vote -> vote.voteId().toString()).collect(Collectors.toSet()), "every 202 given while stopping is durable in the queue (G1)");
            }
        }
    }

    @Test
    void theWorkerFinishesItsBatchCommitsAndAcksThenExits() throws Exception {
        try (Isolated env = Isolated.create(Map.of("WORKER_LANES", "1", "WORKER_BATCH_MAX_WAIT_MS", "5000"))) {
            long pollId;
            int votes = 40;
            try (ApiApplication api = ApiApplication.start(ApiConfig.from(env.environment()), Clock.systemUTC());
                 ApiClient client = new ApiClient(api.port())) {
                JsonNode poll = client.createPoll("Worker shutdown", "A", "B");
                pollId = poll.path("id").asLong();
                long candidate = poll.path("candidates").get(0).path("id").asLong();
                for (int i = 0; i < votes; i++) {
                    assertEquals(202, client.vote(pollId, "batch-" + i, candidate).status());
                }
            }
            try (Child worker = JavaApp.process("worker-shutdown", JavaApp.jar("worker", "voting-worker.jar"), env.environment(),
                    Path.of("target", "graceful-shutdown")).start()) {
                for (int i = 0; i < 600 && !worker.tail(5).contains("worker consuming"); i++) {
                    Thread.sleep(50);  // started, with its shutdown hook in place
                }
                for (int i = 0; i < 300 && env.messagesReady(env.queue()) > 0; i++) {
                    Thread.sleep(20);  // every message delivered, the batch still gathering for 5 s
                }
                assertEquals(0, env.messagesReady(env.queue()), "the worker holds every message");
                assertEquals(0, env.queryLong("SELECT count(*) FROM votes WHERE poll_id = ?", pollId),
                        "the batch is not written yet when SIGTERM comes");
                worker.signal("TERM");
                assertTrue(worker.await(BOUND), "the worker exited within " + BOUND.toSeconds() + " s");
                assertEquals(143, worker.exitCode(), "a clean exit on SIGTERM:\n" + worker.tail(20));
            }
            assertEquals(votes, env.queryLong("SELECT count(*) FROM votes WHERE poll_id = ?", pollId), "the batch was committed");
            assertEquals(0, env.messagesReady(env.queue()), "and acked: nothing went back to the queue");
        }
    }

    private static boolean refusesNewConnections(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            socket.setSoTimeout(2_000);
            socket.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            return in.read() == -1;
        } catch (IOException e) {
            return true;
        }
    }
}
