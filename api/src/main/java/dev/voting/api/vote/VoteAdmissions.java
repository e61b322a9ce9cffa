package dev.voting.api.vote;

import dev.voting.shared.config.Config;
import dev.voting.shared.redis.LuaScript;
import dev.voting.shared.redis.PipelinedScript;
import dev.voting.shared.redis.RedisKeys;
import dev.voting.shared.redis.VoterMarker;
import dev.voting.shared.vote.Vote;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One Redis script per vote, pipelined with those of concurrent votes: the voter's and the client IP's token buckets, then the voter's
 * claim on the poll. The claim (a marker holding the vote id) answers a repeat with 409 at once;
 * it lives for {@code VOTE_PENDING_TTL_SECONDS} until the worker, having counted the vote, writes
 * it for good. A publish that fails releases it, so the voter stays free to vote again (G5).
 */
public final class VoteAdmissions implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(VoteAdmissions.class);

    // KEYS: marker, pending vote, voter bucket, ip bucket.
    // ARGV: marker value, pending value, pending ttl ms, voter rate, voter burst, ip rate, ip burst.
    // Buckets hold fractional tokens refilled at `rate` per second up to `burst`; a rate of 0 is off.
    private static final LuaScript ADMIT = new LuaScript("""
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local function level(key, rate, burst)
              if rate <= 0 then return burst end
              local b = redis.call('HMGET', key, 'tokens', 'at')
              local tokens = tonumber(b[1]) or burst
              local at = tonumber(b[2]) or now
              return math.min(burst, tokens + math.max(0, now - at) * rate / 1000)
            end
            local function spend(key, rate, burst, tokens)
              if rate <= 0 then return end
              redis.call('HSET', key, 'tokens', tokens - 1, 'at', now)
              redis.call('PEXPIRE', key, math.ceil(burst * 1000 / rate) + 1000)
            end
            local voterRate, voterBurst = tonumber(ARGV[4]), tonumber(ARGV[5])
            local ipRate, ipBurst = tonumber(ARGV[6]), tonumber(ARGV[7])
            local voter = level(KEYS[3], voterRate, voterBurst)
            if voter < 1 then return {'voter', math.ceil((1 - voter) * 1000 / voterRate)} end
            local ip = level(KEYS[4], ipRate, ipBurst)
            if ip < 1 then return {'ip', math.ceil((1 - ip) * 1000 / ipRate)} end
            spend(KEYS[3], voterRate, voterBurst, voter)
            spend(KEYS[4], ipRate, ipBurst, ip)
            local existing = redis.call('GET', KEYS[1])
            if existing then return {'voted', existing} end
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
            redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
            return {'ok'}
            """);

    private static final LuaScript RELEASE = new LuaScript("""
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              redis.call('DEL', KEYS[1], KEYS[2])
            end
            return 1
            """);

    private static final int MAX_PIPELINE = 256;
    /** A vote waits at most about this long for its pipeline to leave, and then the Redis client's own timeouts. */
    private static final Duration MAX_QUEUE_WAIT = Duration.ofSeconds(2);

    private final UnifiedJedis redis;
    private final PipelinedScript admit;
    private final RedisKeys keys;
    private final Config.RateLimits limits;
    private final String pendingTtlMillis;
    private final Counter unchecked;
    private static final long WARNING_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARNING_INTERVAL_NANOS - 1);

    public VoteAdmissions(UnifiedJedis redis, RedisKeys keys, Config.RateLimits limits, Duration pendingTtl, MeterRegistry registry) {
        this.redis = redis;
        this.admit = new PipelinedScript(redis, ADMIT, MAX_PIPELINE, MAX_QUEUE_WAIT, "vote-admissions");
        this.keys = keys;
        this.limits = limits;
        this.pendingTtlMillis = Long.toString(pendingTtl.toMillis());
        this.unchecked = Counter.builder("votes.admission.unchecked")
                .description("Votes let through without Redis (limits and fast dedupe skipped; PostgreSQL still dedupes)")
                .register(registry);
    }

    /** {@code pendingJson} is the vote as {@code GET /votes/{id}} shows it until it is processed. */
    Admission admit(Vote vote, String pendingJson) {
        List<String> keyList = List.of(
                keys.voterMarker(vote.pollId(), vote.voterId()),
                keys.pendingVote(vote.voteId()),
                keys.voterBucket(vote.voterId()),
                keys.ipBucket(vote.clientIp()));
        List<String> args = List.of(
                markerValue(vote),
                pendingJson,
                pendingTtlMillis,
                Integer.toString(limits.voterPerSecond()),
                Integer.toString(limits.voterBurst()),
                Integer.toString(limits.ipPerSecond()),
                Integer.toString(limits.ipBurst()));
        List<?> reply;
        try {
            reply = (List<?>) admit.call(keyList, args).get();  // bounded by the pipeline (no timer per vote)
        } catch (ExecutionException e) {
            if (e.getCause() instanceof JedisDataException bug) {
                throw bug;  // the script itself failed: a bug, not an outage
            }
            return unchecked(vote, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unchecked(vote, e);
        }
        String verdict = (String) reply.getFirst();
        return switch (verdict) {
            case "ok" -> new Admission.Admitted();
            case "voted" -> alreadyVoted((String) reply.get(1));
            case "voter" -> new Admission.Limited("voter", limits.voterPerSecond(), Duration.ofMillis((Long) reply.get(1)));
            case "ip" -> new Admission.Limited("ip", limits.ipPerSecond(), Duration.ofMillis((Long) reply.get(1)));
            default -> throw new IllegalStateException("unexpected admission verdict " + verdict);
        };
    }

    private Admission unchecked(Vote vote, Throwable cause) {
        unchecked.increment();
        long now = System.nanoTime();
        long last = lastWarning.get();
        if (now - last > WARNING_INTERVAL_NANOS && lastWarning.compareAndSet(last, now)) {  // one line per outage, not per vote
            log.warn("Redis unavailable, votes admitted unchecked (PostgreSQL still dedupes), e.g. {}: {}", vote.voteId(), cause.toString());
        }
        return new Admission.Unchecked();
    }

    /**
     * The pending record of a vote no worker has counted yet (the worker drops it when it counts the
     * vote), or empty when it is counted, unknown, or Redis cannot say.
     */
    Optional<String> uncounted(UUID voteId) {
        try {
            return Optional.ofNullable(redis.get(keys.pendingVote(voteId)));
        } catch (JedisException e) {
            return Optional.empty();
        }
    }

    /** Gives the voter's claim back after a failed publish; best effort, the claim expires anyway. */
    void release(Vote vote) {
        try {
            RELEASE.run(redis,
                    List.of(keys.voterMarker(vote.pollId(), vote.voterId()), keys.pendingVote(vote.voteId())),
                    List.of(markerValue(vote)));
        } catch (JedisException e) {
            log.warn("could not release the claim of vote {} (it expires by itself): {}", vote.voteId(), e.toString());
        }
    }

    @Override
    public void close() throws InterruptedException {
        admit.close();
    }

    private static String markerValue(Vote vote) {
        return new VoterMarker(vote.voteId(), vote.candidateId()).encode();
    }

    private static Admission alreadyVoted(String marker) {
        VoterMarker original = VoterMarker.decode(marker);
        return new Admission.AlreadyVoted(original.voteId(), original.candidateId());
    }
}
