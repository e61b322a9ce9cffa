package dev.voting.api.results;

import dev.voting.api.poll.Poll;
import dev.voting.api.poll.PollCatalog;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Live results shared by every viewer of a poll: one ticker per watched poll ({@link ResultsFeed})
 * reads {@link ResultsService} at most once per {@code interval} and hands each change to all of
 * that poll's subscribers, so a thousand viewers cost what one does. A ticker stops when its last
 * viewer leaves. Viewers are capped; a slow viewer skips states rather than queueing them.
 *
 * <p>A viewer never sees results go back (G4): its first results and the ticker's are read
 * concurrently and either may be the older (the loser of a refresh is handed the snapshot as it
 * was), so each viewer drops whatever is behind what it has already been shown ({@link ResultsSubscription}).
 */
public final class ResultsFeeds implements AutoCloseable {
    private final ResultsService service;
    private final PollCatalog polls;
    private final Duration interval;
    private final int maxSubscribers;
    private final AtomicInteger subscribers = new AtomicInteger();
    private final ConcurrentMap<Long, ResultsFeed> feeds = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public ResultsFeeds(ResultsService service, PollCatalog polls, Duration interval, int maxSubscribers, MeterRegistry registry) {
        this.service = service;
        this.polls = polls;
        this.interval = interval;
        this.maxSubscribers = maxSubscribers;
        Gauge.builder("results.stream.subscribers", subscribers, AtomicInteger::get)
                .description("Viewers connected to a live results stream").register(registry);
        Gauge.builder("results.stream.feeds", feeds, ConcurrentMap::size)
                .description("Polls with a live results ticker (one Redis read per interval each)").register(registry);
    }

    /** A new viewer of the poll, or empty when the cap is reached (the caller answers 503). */
    public Optional<ResultsSubscription> subscribe(Poll poll) {
        if (closed || subscribers.incrementAndGet() > maxSubscribers) {
            subscribers.decrementAndGet();
            return Optional.empty();
        }
        while (true) {
            ResultsFeed feed = feeds.computeIfAbsent(poll.id(), id -> ResultsFeed.start(poll, service, polls, interval, this));
            ResultsSubscription subscription = feed.add();
            if (subscription != null) {
                return Optional.of(subscription);
            }
            feeds.remove(poll.id(), feed);  // it was stopping as we came: start a fresh one
        }
    }

    public int subscribers() {
        return subscribers.get();
    }

    /** Ends every stream: each viewer's wait returns at once and its handler finishes. */
    @Override
    public void close() {
        closed = true;
        feeds.values().forEach(ResultsFeed::stop);
    }

    boolean isClosed() {
        return closed;
    }

    /** The feed of the poll has stopped: the next viewer starts a fresh one. */
    void ended(long pollId, ResultsFeed feed) {
        feeds.remove(pollId, feed);
    }

    /** A viewer has left, and its place under the cap is free. */
    void left() {
        subscribers.decrementAndGet();
    }
}
