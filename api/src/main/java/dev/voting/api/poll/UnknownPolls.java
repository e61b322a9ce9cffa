package dev.voting.api.poll;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ids PostgreSQL had no poll for, each remembered for the poll TTL, so that a flood of votes for one
 * missing poll does not reach PostgreSQL; at most {@code max} of them, the oldest forgotten first,
 * so that a flood of made-up ids costs bounded memory. Only unknown ids come here: the lock is never
 * on the way of a vote for a real poll.
 */
final class UnknownPolls {
    private final Duration ttl;
    private final int max;
    private final Map<Long, Instant> readAt = new LinkedHashMap<>();

    UnknownPolls(Duration ttl, int max) {
        this.ttl = ttl;
        this.max = max;
    }

    /** True while PostgreSQL's "no such poll", read less than the TTL before {@code now}, still stands. */
    synchronized boolean isUnknown(long id, Instant now) {
        Instant read = readAt.get(id);
        if (read == null) {
            return false;
        }
        if (now.isBefore(read.plus(ttl))) {
            return true;
        }
        readAt.remove(id);
        return false;
    }

    synchronized void remember(long id, Instant read) {
        if (max == 0) {
            return;
        }
        readAt.remove(id);  // re-inserted at the young end
        readAt.put(id, read);
        if (readAt.size() > max) {
            Long oldest = readAt.keySet().iterator().next();
            readAt.remove(oldest);
        }
    }

    synchronized void forget(long id) {
        readAt.remove(id);
    }

    synchronized int size() {
        return readAt.size();
    }
}
