package dev.voting.api.results;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.voting.api.client.ClientGate;
import dev.voting.api.http.Call;
import dev.voting.api.http.Handler;
import dev.voting.api.poll.Poll;
import dev.voting.api.poll.PollCatalog;
import dev.voting.shared.http.ProblemException;
import dev.voting.shared.http.Response;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * {@code GET /api/v1/polls/{pollId}/results/stream}: Server-Sent Events, one {@code results} event
 * now and one on each change, from the poll's shared feed ({@link ResultsFeeds}).
 *
 * <p>A stream ends by itself before the server's response-time limit ({@code API_MAX_REQUEST_SECONDS})
 * would cut it, and tells the browser to reconnect a second later; a comment every few seconds
 * finds clients that left. So no viewer holds a thread for longer than that limit. One client address
 * holds at most {@code API_MAX_VIEWERS_PER_CLIENT} streams (429 past it), so that it cannot take the
 * viewer places of everybody else.
 */
public final class ResultsStreamHandler implements Handler {
    public static final String CONTENT_TYPE = "text/event-stream; charset=utf-8";
    private static final byte[] RETRY = "retry: 1000\n\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] HEARTBEAT = ": keep-alive\n\n".getBytes(StandardCharsets.UTF_8);

    private final PollCatalog polls;
    private final ResultsFeeds feeds;
    private final ClientGate viewersPerClient;
    private final ObjectMapper mapper;
    private final Duration lifetime;
    private final Duration heartbeat;

    public ResultsStreamHandler(PollCatalog polls, ResultsFeeds feeds, ClientGate viewersPerClient, ObjectMapper mapper,
                                Duration lifetime, Duration heartbeat) {
        this.polls = polls;
        this.feeds = feeds;
        this.viewersPerClient = viewersPerClient;
        this.mapper = mapper;
        this.lifetime = lifetime;
        this.heartbeat = heartbeat;
    }

    /** A stream's lifetime under a response-time limit of {@code maxRequestSeconds}: a little less, at most five minutes. */
    public static Duration lifetimeUnder(int maxRequestSeconds) {
        long millis = Math.min(300_000, maxRequestSeconds * 1000L - 1500);
        return Duration.ofMillis(Math.max(500, millis));
    }

    @Override
    public Response handle(Call call) {
        Poll poll = polls.require(call.pathId("pollId", "poll"));
        ClientGate.Pass viewer = viewersPerClient.enter(call.clientKey()).orElseThrow(() -> ProblemException.rateLimited(
                Duration.ofSeconds(5), "this client already watches " + viewersPerClient.maxPerClient() + " live results streams"));
        ResultsSubscription subscription;
        Results first;
        try {
            subscription = feeds.subscribe(poll).orElseThrow(() ->
                    ProblemException.shed(Duration.ofSeconds(5), "too many live results viewers; retry later"));
            try {
                first = subscription.first();  // before the headers: a failure here is still a problem response (503)
            } catch (RuntimeException e) {
                subscription.close();
                throw e;
            }
        } catch (RuntimeException e) {
            viewer.close();
            throw e;
        }
        return Response.stream(CONTENT_TYPE, new Response.Stream() {
            @Override
            public void writeTo(OutputStream out) throws IOException {
                stream(subscription, first, out);
            }

            @Override
            public void close() {
                subscription.close();
                viewer.close();
            }
        }).withHeader("Cache-Control", "no-cache").withHeader("X-Accel-Buffering", "no");
    }

    private void stream(ResultsSubscription subscription, Results first, OutputStream out) throws IOException {
        long deadline = System.nanoTime() + lifetime.toNanos();
        out.write(RETRY);
        event(out, first);
        try {
            while (!subscription.isOver()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                Results next = subscription.next(Duration.ofNanos(Math.min(left, heartbeat.toNanos())));
                if (next != null) {
                    event(out, next);
                } else if (System.nanoTime() < deadline && !subscription.isOver()) {
                    out.write(HEARTBEAT);
                    out.flush();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void event(OutputStream out, Results results) throws IOException {
        out.write("event: results\ndata: ".getBytes(StandardCharsets.UTF_8));
        out.write(mapper.writeValueAsBytes(results));  // JSON has no raw newlines, so it is one data line
        out.write("\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
