package dev.voting.api.http;

import dev.voting.testkit.Isolated;
import dev.voting.testkit.RawHttp;
import dev.voting.testkit.Tokens;
import dev.voting.testkit.process.Child;
import dev.voting.testkit.process.JavaApp;
import dev.voting.testkit.process.Ports;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server's own limits (G7), on the API run from its jar with tight settings: the JDK reads
 * them once per JVM, so this API is a process of its own. Each test shows a limit doing its job:
 * a connection cut, a request refused, never a request that hangs on.
 */
class ServerLimitsIT {
    private static Isolated env;
    private static Child api;
    private static int port;

    @BeforeAll
    static void start() {
        env = Isolated.create();
        port = Ports.free();
        Map<String, String> settings = new HashMap<>(env.environment());
        settings.put("API_PORT", Integer.toString(port));
        settings.put("API_MAX_READ_SECONDS", "2");
        settings.put("API_MAX_REQUEST_SECONDS", "2");
        settings.put("API_IDLE_SECONDS", "2");
        settings.put("API_MAX_CONNECTIONS", "4");
        settings.put("API_MAX_HEADER_BYTES", "2048");
        settings.put("API_MAX_HEADERS", "20");
        settings.put("API_MAX_BODY_BYTES", "1024");
        api = JavaApp.startApi("api-limits", settings, Path.of("target", "server-limits"));
    }

    @AfterAll
    static void stop() {
        api.close();
        env.close();
    }

    @Test
    void aClientTricklingHeadersIsCutOffAtTheReadTimeLimit() throws Exception {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write("GET /healthz HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            boolean cut = false;
            for (int i = 0; i < 30 && !cut; i++) {  // 15 s of trickling, far past the 2 s limit
                Thread.sleep(500);
                try {
                    out.write(("X-Slow-" + i + ": y\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    cut = RawHttp.isClosedWithin(socket, Duration.ofMillis(1));
                } catch (IOException e) {
                    cut = true;
                }
            }
            assertTrue(cut, "the server closed the connection before the headers were complete");
        }
        assertEquals(200, RawHttp.send(port, RawHttp.request("GET", "/healthz", List.of(), null)).status());
    }

    @Test
    void anIdleKeepAliveConnectionIsClosed() throws Exception {
        try (Socket socket = connect()) {
            socket.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = readSome(socket);
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
            assertTrue(RawHttp.isClosedWithin(socket, Duration.ofSeconds(15)), "the idle connection was closed by the server");
        }
    }

    @Test
    void connectionsBeyondTheCapAreClosedAtOnce() throws Exception {
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                Socket socket = connect();
                socket.getOutputStream().write("GET /healthz HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));  // and no more
                held.add(socket);
            }
            Thread.sleep(500);  // the server has taken the four (a busy CI machine needed more than 200 ms)
            try (Socket fifth = connect()) {
                // "at once": well within the 30 s a held request may take, with room for a busy machine
                assertTrue(RawHttp.isClosedWithin(fifth, Duration.ofSeconds(5)), "a fifth connection is closed without being served");
            }
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
        int status = -1;
        for (int i = 0; i < 50 && status != 200; i++) {  // the server notices the four are gone
            Thread.sleep(100);
            status = RawHttp.send(port, RawHttp.request("GET", "/healthz", List.of(), null)).status();
        }
        assertEquals(200, status);
    }

    @Test
    void oversizedAndTooManyHeadersAreDroppedUnread() {
        assertEquals(-1, RawHttp.send(port, RawHttp.request("GET", "/healthz", List.of("X-Big: " + "b".repeat(3000)), null)).status());
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            many.add("X-H" + i + ": v");
        }
        assertEquals(-1, RawHttp.send(port, RawHttp.request("GET", "/healthz", many, null)).status());
        assertEquals(200, RawHttp.send(port, RawHttp.request("GET", "/healthz", many.subList(0, 10), null)).status());
    }

    @Test
    void aBodyPastTheLimitIs413WithoutBeingRead() {
        String votes = "/api/v1/polls/1/votes";
        List<String> headers = List.of("Authorization: Bearer " + Tokens.voter("bob"), "Content-Type: application/json");
        List<String> declared = new ArrayList<>(headers);
        declared.add("Content-Length: " + 2 * 1024 * 1024);
        RawHttp.Answer twoMegabytes = RawHttp.send(port, RawHttp.request("POST", votes, declared, null));  // the body never comes
        assertEquals(413, twoMegabytes.status(), twoMegabytes.body());
        assertEquals("close", twoMegabytes.header("Connection"));
        RawHttp.Answer justOver = RawHttp.send(port, RawHttp.request("POST", votes, headers,
                ("{\"candidateId\":1," + " ".repeat(1100) + "}").getBytes(StandardCharsets.UTF_8)));
        assertEquals(413, justOver.status(), justOver.body());
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        return socket;
    }

    private static String readSome(Socket socket) throws IOException {
        socket.setSoTimeout(5_000);
        byte[] buffer = new byte[4096];
        int n = socket.getInputStream().read(buffer);
        return n <= 0 ? "" : new String(buffer, 0, n, StandardCharsets.US_ASCII);
    }
}
