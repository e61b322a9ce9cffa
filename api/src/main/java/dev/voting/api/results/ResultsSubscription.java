package dev.voting.api.results;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** One viewer of a {@link ResultsFeed}: the latest results it has not yet seen, at most one held, never older than those it was shown. */
public final class ResultsSubscription implements AutoCloseable {
    private final ResultsFeed feed;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private Results pending;
    private Results shown;
    private boolean over;
    private boolean released;

    ResultsSubscription(ResultsFeed feed) {
        this.feed = feed;
    }

    /**
     * What the viewer sees first: the service's results, as a GET would have them (cached for
     * the results TTL), not the feed's last change, which may be older than what this viewer
     * was shown by a GET or before it reconnected.
     */
    public Results first() {
        Results first = feed.read();
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
    void offer(Results results) {
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

    void end() {
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
    }
}
