package dev.voting.shared.redis;

import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.UnifiedJedis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Live per-candidate counts in Redis: a hash per poll, candidateId → absolute count.
 *
 * <p>Writers never increment: they copy PostgreSQL's absolute counts with a set-if-larger script.
 * A writer that dies between its commit and this write leaves Redis behind, never wrong; the next
 * write of that poll (the redelivered batch, a later batch, or a reader's repair) brings it level.
 * Counts only grow, so set-if-larger also keeps results from going backwards when two writers race
 * (G4). Every write carries all candidates of the poll, so a hash that exists is complete.
 */
public final class CountsCache {
    private static final String RAISE_SOURCE = """
            for i = 1, #ARGV, 2 do
              local current = tonumber(redis.call('HGET', KEYS[1], ARGV[i]) or '-1')
              if tonumber(ARGV[i + 1]) > current then
                redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
              end
            end
            return 1
            """;
    private static final LuaScript RAISE = new LuaScript(RAISE_SOURCE);

    private final RedisKeys keys;

    public CountsCache(RedisKeys keys) {
        this.keys = keys;
    }

    /** Raises the poll's counts to at least {@code counts}, queued on a pipeline the caller syncs. */
    public void raise(AbstractPipeline pipeline, long pollId, Map<Long, Long> counts) {
        pipeline.eval(RAISE_SOURCE, List.of(keys.counts(pollId)), arguments(counts));
    }

    public void raise(UnifiedJedis redis, long pollId, Map<Long, Long> counts) {
        RAISE.run(redis, List.of(keys.counts(pollId)), arguments(counts));
    }

    /** The cached counts of a poll, or an empty map when Redis has none (never written, or flushed). */
    public Map<Long, Long> read(UnifiedJedis redis, long pollId) {
        Map<String, String> raw = redis.hgetAll(keys.counts(pollId));
        Map<Long, Long> counts = new HashMap<>(raw.size() * 2);
        raw.forEach((candidate, votes) -> counts.put(Long.parseLong(candidate), Long.parseLong(votes)));
        return counts;
    }

    private static List<String> arguments(Map<Long, Long> counts) {
        List<String> args = new ArrayList<>(counts.size() * 2);
        counts.forEach((candidate, votes) -> {
            args.add(Long.toString(candidate));
            args.add(Long.toString(votes));
        });
        return args;
    }
}
