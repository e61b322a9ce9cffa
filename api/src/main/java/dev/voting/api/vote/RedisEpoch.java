package dev.voting.api.vote;

import dev.voting.shared.redis.LuaScript;
import dev.voting.shared.redis.RedisKeys;
import redis.clients.jedis.UnifiedJedis;

import java.util.List;
import java.util.UUID;

/**
 * The id of Redis's current memory ({@link RedisKeys#epoch()}). Redis may lose everything at any
 * moment; the epoch must then change, so that every process can tell markers it may trust from
 * markers that may be missing. A flush or a restart without persistence takes the epoch with it; a
 * restart that reloads an older snapshot, or a failover to a replica that had not received every
 * write, keeps a key but not the server: an epoch names the server's {@code run_id}, and an epoch of
 * another server is replaced. The epoch is checked again after any failure to reach Redis, since
 * each of those events breaks every connection.
 */
final class RedisEpoch {
    // KEYS: epoch. ARGV: the server's run_id, a new epoch for it.
    private static final LuaScript ENSURE = new LuaScript("""
            local current = redis.call('GET', KEYS[1])
            if current and string.sub(current, 1, #ARGV[1] + 1) == ARGV[1] .. ':' then return current end
            redis.call('SET', KEYS[1], ARGV[2])
            return ARGV[2]
            """);

    private final UnifiedJedis redis;
    private final RedisKeys keys;
    private volatile String known;

    RedisEpoch(UnifiedJedis redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** The epoch last seen; asks Redis when none is known. Throws a JedisException when Redis does not answer. */
    String current() {
        String epoch = known;
        return epoch != null ? epoch : refresh();
    }

    /** Redis failed to answer: the next caller checks the epoch again before trusting any marker. */
    void suspect() {
        known = null;
    }

    /** Reads Redis's epoch again, making a new one if Redis has none or it belongs to another server. */
    String refresh() {
        String runId = runId(redis.info("server"));
        String epoch = (String) ENSURE.run(redis, List.of(keys.epoch()), List.of(runId, runId + ":" + UUID.randomUUID()));
        known = epoch;
        return epoch;
    }

    static String runId(String info) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("run_id:")) {
                return line.substring("run_id:".length()).strip();
            }
        }
        throw new IllegalStateException("Redis's INFO server has no run_id");
    }
}
