package dev.voting.api.vote;

import dev.voting.shared.redis.LuaScript;
import dev.voting.shared.redis.RedisKeys;
import redis.clients.jedis.UnifiedJedis;

import java.util.List;
import java.util.UUID;

/**
 * The id of Redis's current memory ({@link RedisKeys#epoch()}). Redis may lose everything at any
 * moment (a restart, a flush, a failover); the epoch goes with it and the next caller makes a new
 * one, so that every process can tell markers it may trust from markers that may be missing.
 */
final class RedisEpoch {
    private static final LuaScript ENSURE = new LuaScript("""
            local current = redis.call('GET', KEYS[1])
            if current then return current end
            redis.call('SET', KEYS[1], ARGV[1])
            return ARGV[1]
            """);

    private final UnifiedJedis redis;
    private final RedisKeys keys;
    private volatile String known;

    RedisEpoch(UnifiedJedis redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** The epoch last seen; asks Redis only when none is known. Throws a JedisException when Redis does not answer. */
    String current() {
        String epoch = known;
        return epoch != null ? epoch : refresh();
    }

    /** Reads Redis's epoch again, making a new one if Redis has none. */
    String refresh() {
        String epoch = (String) ENSURE.run(redis, List.of(keys.epoch()), List.of(UUID.randomUUID().toString()));
        known = epoch;
        return epoch;
    }
}
