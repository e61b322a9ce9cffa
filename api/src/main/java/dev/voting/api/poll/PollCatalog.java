package dev.voting.api.poll;

import dev.voting.shared.lifecycle.UnavailableException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Polls kept in process for the vote path, so that a vote costs no database round trip. An entry
 * older than the TTL is reloaded by one caller while the others go on with the old one; unknown ids
 * are remembered too, so that a flood of votes for a missing poll does not reach PostgreSQL. When
 * PostgreSQL is down, a poll already known is served as last seen.
 */
public final class PollCatalog {
    private record Entry(Optional<Poll> poll, Instant loadedAt, AtomicBoolean refreshing) {
    }

    private final PollRepository repository;
    private final Duration ttl;
    private final Clock clock;
    private final ConcurrentMap<Long, Entry> entries = new ConcurrentHashMap<>();

    public PollCatalog(PollRepository repository, Duration ttl, Clock clock) {
        this.repository = repository;
        this.ttl = ttl;
        this.clock = clock;
    }

    public Optional<Poll> find(long id) {
        Entry entry = entries.get(id);
        if (entry == null) {
            return load(id).poll();
        }
        if (isStale(entry) && entry.refreshing().compareAndSet(false, true)) {
            try {
                return load(id).poll();
            } catch (UnavailableException e) {
                entry.refreshing().set(false);
                if (entry.poll().isPresent()) {
                    return entry.poll();
                }
                throw e;
            }
        }
        return entry.poll();
    }

    /** Records a change made by this process at once (create, close) instead of waiting for the TTL. */
    public void remember(Poll poll) {
        entries.put(poll.id(), new Entry(Optional.of(poll), clock.instant(), new AtomicBoolean()));
    }

    private Entry load(long id) {
        Entry fresh = new Entry(repository.find(id), clock.instant(), new AtomicBoolean());
        entries.put(id, fresh);
        return fresh;
    }

    private boolean isStale(Entry entry) {
        return !clock.instant().isBefore(entry.loadedAt().plus(ttl));
    }
}
