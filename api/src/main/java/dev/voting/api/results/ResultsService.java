package dev.voting.api.results;

import dev.voting.api.poll.Poll;
import dev.voting.api.poll.PollRepository;
import dev.voting.shared.redis.CountsCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Live results: read from Redis at most once per poll per {@code RESULTS_CACHE_TTL_SECONDS}
 * however many clients ask. When Redis has no counts for the poll or is down, PostgreSQL's counts
 * answer and are copied back into Redis.
 *
 * <p>What this process serves of a poll never goes back (G4): every read is merged into the poll's
 * one snapshot, each count and {@code asOf} the larger of the two, so a read that started earlier,
 * or came from a source that lags, cannot replace a newer snapshot that a viewer has already seen.
 */
public final class ResultsService {
    private static final Logger log = LoggerFactory.getLogger(ResultsService.class);

    private record Snapshot(Map<Long, Long> counts, Instant asOf, AtomicBoolean refreshing) {
        /** Counts only grow: the larger count of each candidate and the later {@code asOf} are the newer truth. */
        static Snapshot newest(Snapshot kept, Snapshot read) {
            Map<Long, Long> counts = new HashMap<>(kept.counts());
            read.counts().forEach((candidate, votes) -> counts.merge(candidate, votes, Math::max));
            Instant asOf = read.asOf().isAfter(kept.asOf()) ? read.asOf() : kept.asOf();
            return new Snapshot(Map.copyOf(counts), asOf, new AtomicBoolean());
        }
    }

    private final UnifiedJedis redis;
    private final CountsCache cache;
    private final PollRepository repository;
    private final Duration ttl;
    private final Clock clock;
    private final ConcurrentMap<Long, Snapshot> snapshots = new ConcurrentHashMap<>();

    public ResultsService(UnifiedJedis redis, CountsCache cache, PollRepository repository, Duration ttl, Clock clock) {
        this.redis = redis;
        this.cache = cache;
        this.repository = repository;
        this.ttl = ttl;
        this.clock = clock;
    }

    public Results results(Poll poll) {
        Snapshot snapshot = snapshots.get(poll.id());
        if (snapshot == null) {
            snapshot = refresh(poll.id());
        } else if (isStale(snapshot) && snapshot.refreshing().compareAndSet(false, true)) {
            Snapshot stale = snapshot;  // the others go on with it meanwhile: nothing newer has been served
            try {
                snapshot = refresh(poll.id());
            } finally {
                stale.refreshing().set(false);
            }
        }
        return render(poll, snapshot, clock.instant());
    }

    /** Reads the counts and merges them into the poll's snapshot; returns the merged one, never the bare read. */
    private Snapshot refresh(long pollId) {
        Instant asOf = clock.instant();
        Map<Long, Long> counts = fromRedis(pollId);
        if (counts.isEmpty()) {
            counts = repository.counts(pollId);
            repair(pollId, counts);
        }
        return snapshots.merge(pollId, new Snapshot(Map.copyOf(counts), asOf, new AtomicBoolean()), Snapshot::newest);
    }

    private Map<Long, Long> fromRedis(long pollId) {
        try {
            return cache.read(redis, pollId);
        } catch (JedisException e) {
            log.warn("Redis unavailable, results of poll {} come from PostgreSQL: {}", pollId, e.toString());
            return Map.of();
        }
    }

    private void repair(long pollId, Map<Long, Long> counts) {
        if (counts.isEmpty()) {
            return;
        }
        try {
            cache.raise(redis, pollId, counts);
        } catch (JedisException e) {
            log.debug("Redis still unavailable, counts of poll {} not repaired: {}", pollId, e.toString());
        }
    }

    private boolean isStale(Snapshot snapshot) {
        return !clock.instant().isBefore(snapshot.asOf().plus(ttl));
    }

    private static Results render(Poll poll, Snapshot snapshot, Instant now) {
        List<Results.CandidateResult> rows = poll.candidates().stream()
                .map(c -> new Results.CandidateResult(c.id(), c.name(), snapshot.counts().getOrDefault(c.id(), 0L)))
                .toList();
        long total = rows.stream().mapToLong(Results.CandidateResult::votes).sum();
        return new Results(poll.id(), poll.title(), poll.statusAt(now), total, rows, snapshot.asOf());
    }
}
