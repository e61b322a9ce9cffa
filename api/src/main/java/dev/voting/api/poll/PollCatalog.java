package dev.voting.api.poll;

import dev.voting.shared.http.ProblemException;
import dev.voting.shared.lifecycle.Dependency;
import dev.voting.shared.lifecycle.UnavailableException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;

/**
 * Polls kept in process for the vote path, so that a vote costs no database round trip. An entry
 * older than the TTL is reloaded by one caller while the others go on with the old one. Unknown ids
 * are remembered for the TTL too, a bounded number of them ({@link UnknownPolls}), so that a flood
 * of votes for a missing poll does not reach PostgreSQL and one of made-up ids does not fill memory.
 *
 * <p>A close takes effect {@code POLL_CLOSE_DELAY_SECONDS} after PostgreSQL records it, and this
 * process's clock may run up to {@code MAX_CLOCK_SKEW_MS} ahead of PostgreSQL's. An entry read
 * (delay − skew) ago or longer may therefore have missed a close that is in force by this clock, so a
 * vote is never judged by it: the vote waits for the re-read, and gets 503 when PostgreSQL does not
 * answer. Reads (a poll, its results) are served as last seen instead, so that they go on while
 * PostgreSQL is away. (The skew allowed also has to cover the milliseconds between the close's
 * {@code now()} and its commit, when no process can see it yet.)
 */
public final class PollCatalog {
    /**
     * {@code readAt} is taken before the query, so the entry knows every change committed before it;
     * {@code reread} is the one re-read of this entry under way, if any.
     */
    private record Entry(Optional<Poll> poll, Instant readAt, AtomicReference<CompletableFuture<Entry>> reread) {
        Entry(Optional<Poll> poll, Instant readAt) {
            this(poll, readAt, new AtomicReference<>());
        }
    }

    private final LongFunction<Optional<Poll>> read;
    private final Duration ttl;
    private final Duration trusted;
    private final Clock clock;
    private final ConcurrentMap<Long, Entry> entries = new ConcurrentHashMap<>();
    private final UnknownPolls unknown;
    private final AtomicLong changes = new AtomicLong();

    /**
     * {@code read} is {@link PollRepository#find}. Config checks {@code closeDelay ≥ ttl + maxClockSkew},
     * so that an entry is due for a re-read before it stops being trusted. At most {@code maxUnknown}
     * ids without a poll are remembered.
     */
    public PollCatalog(LongFunction<Optional<Poll>> read, Duration ttl, Duration closeDelay, Duration maxClockSkew,
                       int maxUnknown, Clock clock) {
        this.read = read;
        this.ttl = ttl;
        this.trusted = closeDelay.minus(maxClockSkew);
        this.unknown = new UnknownPolls(ttl, maxUnknown);
        this.clock = clock;
    }

    /** The poll as last seen, for showing it: a poll already known is served while PostgreSQL is away. */
    public Optional<Poll> find(long id) {
        return find(id, clock.instant(), false);
    }

    /** The poll a request names, or a 404 problem: what every handler of {@code /polls/{pollId}/...} starts with. */
    public Poll require(long id) {
        return find(id).orElseThrow(() -> ProblemException.notFound("no poll with id " + id));
    }

    /**
     * The poll to judge a vote at {@code now} by: never an entry read (delay − skew) or longer before
     * {@code now}; {@link UnavailableException} when no newer one can be read.
     */
    public Optional<Poll> findForVote(long id, Instant now) {
        return find(id, now, true);
    }

    /** Records a change this process made (create, close), read at {@code readAt}, instead of waiting for the TTL. */
    public void remember(Poll poll, Instant readAt) {
        entries.merge(poll.id(), new Entry(Optional.of(poll), readAt), PollCatalog::newer);
        unknown.forget(poll.id());
        changes.incrementAndGet();
    }

    /** Grows with every change this process made to a poll: a cached list of polls older than a change is stale. */
    public long changes() {
        return changes.get();
    }

    /** Polls known, and ids remembered as unknown ({@code polls_cached}). */
    public int knownCount() {
        return entries.size();
    }

    public int unknownCount() {
        return unknown.size();
    }

    private Optional<Poll> find(long id, Instant now, boolean forVote) {
        Entry entry = entries.get(id);
        if (entry == null) {
            return unknown.isUnknown(id, now) ? Optional.empty() : loadFirst(id);
        }
        if (now.isBefore(entry.readAt().plus(ttl))) {
            return entry.poll();
        }
        boolean usable = !forVote || isTrusted(entry, now);
        CompletableFuture<Entry> mine = new CompletableFuture<>();
        CompletableFuture<Entry> underWay = entry.reread().compareAndExchange(null, mine);
        if (underWay == null) {
            return reread(id, entry, mine, usable);
        }
        if (usable) {
            return entry.poll();
        }
        Entry fresh = await(underWay);
        if (!isTrusted(fresh, now)) {
            throw new UnavailableException(Dependency.POSTGRESQL, "poll " + id + " could not be re-read within "
                    + trusted.toMillis() + " ms, too long to rule out a close", null);
        }
        return fresh.poll();
    }

    private Optional<Poll> reread(long id, Entry stale, CompletableFuture<Entry> mine, boolean staleUsable) {
        try {
            Entry fresh = load(id);
            mine.complete(fresh);
            return fresh.poll();
        } catch (RuntimeException e) {
            stale.reread().set(null);  // the next caller tries again
            mine.completeExceptionally(e);
            if (e instanceof UnavailableException && staleUsable && stale.poll().isPresent()) {
                return stale.poll();
            }
            throw e;
        }
    }

    private boolean isTrusted(Entry entry, Instant now) {
        return now.isBefore(entry.readAt().plus(trusted));
    }

    private Entry load(long id) {
        Instant readAt = clock.instant();
        return entries.merge(id, new Entry(read.apply(id), readAt), PollCatalog::newer);
    }

    /** An id never seen: a poll is kept like any other, its absence only for the TTL and within the bound. */
    private Optional<Poll> loadFirst(long id) {
        Instant readAt = clock.instant();
        Optional<Poll> poll = read.apply(id);
        if (poll.isEmpty()) {
            unknown.remember(id, readAt);
            return poll;
        }
        return entries.merge(id, new Entry(poll, readAt), PollCatalog::newer).poll();
    }

    /** A slow read that finishes after a quicker, later one must not put older news back. */
    private static Entry newer(Entry old, Entry fresh) {
        return fresh.readAt().isBefore(old.readAt()) ? old : fresh;
    }

    /**
     * As long as the re-read takes: when PostgreSQL is down, the pool's 5 s connection timeout. No
     * timer of its own, as for a first read; the vote's in-flight limit bounds how many wait.
     */
    private static Entry await(CompletableFuture<Entry> reread) {
        try {
            return reread.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }
}
