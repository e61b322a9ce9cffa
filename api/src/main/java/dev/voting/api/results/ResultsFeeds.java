package dev.voting.api.results;

import dev.voting.api.poll.Poll;
import dev.voting.api.poll.PollCatalog;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Live results shared by every viewer of a poll: one ticker per watched poll reads
 * {@link ResultsService} at most once per {@code interval} and hands each change to all of that
 * poll's subscribers, so a thousand viewers cost what one does. A ticker stops when its last
 * viewer leaves. Viewers are capped; a slow viewer skips states rather than queueing them.
 *
 * <p>A viewer never sees results go back (G4): its first results and the ticker's are read
 * concurrently and either may be the older (the loser of a refresh is handed the snapshot as it
 * was), so each viewer drops whatever is behind what it has already been shown.
 */
public final class ResultsFeeds implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ResultsFeeds.class);

    /** The results without their {@code asOf}: what a viewer sees change. */
    private record Shown(String status, String title, List<Results.CandidateResult> results) {
        static Shown of(Results results) {
            return new Shown(results.status(), results.title(), results.results());
        }
    }

    private final ResultsService service;
    private final PollCatalog polls;
    private final Duration interval;
    private final int maxSubscribers;
    private final AtomicInteger subscribers = new AtomicInteger();
    private final ConcurrentMap<Long, Feed> feeds = new ConcurrentHashMap<>();
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
    public Optional<Subscription> subscribe(Poll poll) {
        if (closed || subscribers.incrementAndGet() > maxSubscribers) {
            subscribers.decrementAndGet();
            return Optional.empty();
        }
        while (true) {
            Feed feed = feeds.computeIfAbsent(poll.id(), id -> new Feed(poll));
            Subscription subscription = feed.add();
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
        feeds.values().forEach(Feed::stop);
    }

    /** One viewer: the latest results it has not yet seen, at most one held, never older than those it was shown. */
    public final class Subscription implements AutoCloseable {
        private final Feed feed;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private Results pending;
        private Results shown;
        private boolean over;
        private boolean released;

        private Subscription(Feed feed) {
            this.feed = feed;
        }

        /**
         * What the viewer sees first: the service's results, as a GET would have them (cached for
         * the results TTL), not the feed's last change, which may be older than what this viewer
         * was shown by a GET or before it reconnected.
         */
        public Results first() {
            Results first = service.results(feed.poll());
            lock.lock();
            try {
                shown = first;
                return first;
            } finally {
                lock.unlock();
            }
        }

        /** The next change, or null when none came within {@code wait} or the stream is over. */
        public Results next(Duration wait) throws InterruptedException {
            lock.lock();
            try {
                long nanos = wait.toNanos();
                while (!over) {
                    Results next = pending;
                    pending = null;
                    if (next != null && (shown == null || (!next.isBehind(shown) && !next.equals(shown)))) {
                        shown = next;
                        return next;
                    }
                    if (nanos <= 0) {
                        return null;
                    }
                    nanos = changed.awaitNanos(nanos);
                }
                return null;
            } finally {
                lock.unlock();
            }
        }

        public boolean isOver() {
            lock.lock();
            try {
                return over;
            } finally {
                lock.unlock();
            }
        }

        /** Only the newest state matters to a viewer: an unseen older one is replaced, never a newer one. */
        private void offer(Results results) {
            lock.lock();
            try {
                if (pending != null && results.isBehind(pending)) {
                    return;
                }
                pending = results;
                changed.signal();
            } finally {
                lock.unlock();
            }
        }

        private void end() {
            lock.lock();
            try {
                over = true;
                changed.signal();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            lock.lock();
            try {
                if (released) {
                    return;
                }
                released = true;
            } finally {
                lock.unlock();
            }
            feed.remove(this);
            subscribers.decrementAndGet();
        }
    }

    /** The ticker of one poll and its viewers. */
    private final class Feed implements Runnable {
        private final long pollId;
        private final Set<Subscription> viewers = ConcurrentHashMap.newKeySet();
        private volatile Poll poll;
        private volatile Results last;
        private boolean stopped;

        Feed(Poll poll) {
            this.pollId = poll.id();
            this.poll = poll;
            Thread.ofVirtual().name("results-feed-" + pollId).start(this);
        }

        Poll poll() {
            return poll;
        }

        synchronized Subscription add() {
            if (stopped) {
                return null;
            }
            Subscription subscription = new Subscription(this);
            viewers.add(subscription);
            if (last != null) {  // the ticker's latest, in case its offer went out just before this viewer came
                subscription.offer(last);
            }
            return subscription;
        }

        synchronized void remove(Subscription subscription) {
            viewers.remove(subscription);
        }

        synchronized void stop() {
            stopped = true;
            viewers.forEach(Subscription::end);
        }

        /** Stops the ticker if nobody watches any more; the check and the stop are one step for {@link #add()}. */
        private synchronized boolean stopIfUnwatched() {
            if (viewers.isEmpty() || closed) {
                stopped = true;
                feeds.remove(pollId, this);
                return true;
            }
            return false;
        }

        @Override
        public void run() {
            Shown shown = null;
            try {
                do {  // ticks once before the first check, so that the viewer that made the feed finds it running
                    try {
                        poll = polls.find(pollId).orElse(poll);
                        Results current = service.results(poll);
                        Shown now = Shown.of(current);
                        if (!now.equals(shown)) {
                            shown = now;
                            last = current;
                            viewers.forEach(viewer -> viewer.offer(current));
                        }
                    } catch (RuntimeException e) {  // PostgreSQL and Redis both away: keep the viewers, try again
                        log.debug("results feed of poll {}: {}", pollId, e.toString());
                    }
                    Thread.sleep(interval);
                } while (!stopIfUnwatched());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop();
                feeds.remove(pollId, this);
            }
        }
    }
}
