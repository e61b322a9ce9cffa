package dev.voting.loadtest.bench;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * The reference {@code make bench} measures the API against: the JDK's {@code HttpServer} on a virtual
 * thread per exchange, as the API runs it, answering every request with a fixed 202 and doing
 * nothing else. What the API does per vote (token, Redis, broker confirm) is the difference.
 *
 * <p>{@code java -cp voting-loadtest.jar dev.voting.loadtest.bench.BareServer <port>}
 */
public final class BareServer {
    private static final byte[] ANSWER = "{\"voteId\":\"00000000-0000-0000-0000-000000000000\",\"status\":\"received\"}"
            .getBytes(StandardCharsets.UTF_8);

    private BareServer() {
    }

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);  // the API's backlog
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(202, ANSWER.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(ANSWER);
                }
            }
        });
        server.start();
        System.out.println("bare server listening on 127.0.0.1:" + port);
    }
}
