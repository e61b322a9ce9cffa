package dev.voting.api.vote;

import dev.voting.shared.redis.LuaScript;

/**
 * The Redis scripts of {@link VoteAdmissions}. Each runs atomically, which is what keeps a claim, its
 * pending record and its requeued flag consistent between API processes without locks.
 */
final class AdmissionScripts {
    // KEYS: epoch, the poll's markers, pending vote, voter bucket, ip bucket.
    // ARGV: expected epoch, voter id, marker value, pending value, voter rate, voter burst, ip rate, ip burst,
    //       when the claims may expire (ms since the epoch; 0 while the poll has no close time).
    // Buckets hold fractional tokens refilled at `rate` per second up to `burst`; a rate of 0 is off.
    // The claim is the last write, so that a script stopped by an error reply (OOM, READONLY) claims nothing.
    static final LuaScript ADMIT = new LuaScript("""
            if redis.call('GET', KEYS[1]) ~= ARGV[1] then return {'epoch'} end
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
            local voterRate, voterBurst = tonumber(ARGV[5]), tonumber(ARGV[6])
            local ipRate, ipBurst = tonumber(ARGV[7]), tonumber(ARGV[8])
            local voter = level(KEYS[4], voterRate, voterBurst)
            if voter < 1 then return {'voter', math.ceil((1 - voter) * 1000 / voterRate)} end
            local ip = level(KEYS[5], ipRate, ipBurst)
            if ip < 1 then return {'ip', math.ceil((1 - ip) * 1000 / ipRate)} end
            spend(KEYS[4], voterRate, voterBurst, voter)
            spend(KEYS[5], ipRate, ipBurst, ip)
            local existing = redis.call('HGET', KEYS[2], ARGV[2])
            if existing then return {'voted', existing} end
            redis.call('SET', KEYS[3], ARGV[4])
            redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
            if ARGV[9] ~= '0' then redis.call('PEXPIREAT', KEYS[2], ARGV[9]) end
            return {'ok'}
            """);

    // KEYS: the poll's markers, pending vote, requeued flag. ARGV: voter id, marker value.
    static final LuaScript RELEASE = new LuaScript("""
            if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
            if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then redis.call('HDEL', KEYS[1], ARGV[1]) end
            redis.call('DEL', KEYS[2])
            return 1
            """);

    // KEYS: the poll's markers, pending vote, requeued flag. ARGV: voter id, the claim's marker value, flag lifetime (ms).
    // The claim is checked in the same step: a claim given back since the repeat's admission is not the vote that counts.
    static final LuaScript TAKE_FOR_REQUEUE = new LuaScript("""
            if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return {'given_back'} end
            local pending = redis.call('GET', KEYS[2])
            if not pending then return {'settled'} end
            redis.call('SET', KEYS[3], '1', 'PX', ARGV[3])
            return {'pending', pending}
            """);

    private AdmissionScripts() {
    }
}
