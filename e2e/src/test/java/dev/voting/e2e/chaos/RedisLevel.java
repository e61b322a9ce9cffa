package dev.voting.e2e.chaos;

import dev.voting.e2e.chaos.LoadGenerator.Poll;
import dev.voting.shared.config.Config;
import dev.voting.shared.redis.CountsCache;
import dev.voting.shared.redis.RedisClients;
import dev.voting.shared.redis.RedisKeys;
import redis.clients.jedis.UnifiedJedis;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The counts Redis holds at the end of a run, once it had its chance to level with PostgreSQL. Redis
 * is written after each commit and repaired by readers (a poll whose counts Redis lost, and that no
 * batch touches any more, is refilled by the next read of its results once the API's results cache
 * has expired): with a reader of every poll meanwhile, it gets a few seconds to level.
 */
final class RedisLevel {
    private RedisLevel() {
    }

    static Map<Long, Long> await(Config.Redis config, LoadGenerator load, List<Poll> polls, Map<Long, Long> pgCounts)
            throws IOException, InterruptedException {
        CountsCache cache = new CountsCache(new RedisKeys(config.keyPrefix()));
        Map<Long, Long> redis = new HashMap<>();
        try (UnifiedJedis client = RedisClients.create(config)) {
            for (int i = 0; i < 100; i++) {
                for (Poll poll : polls) {
                    load.get("/api/v1/polls/" + poll.id() + "/results");
                }
                redis.clear();
                polls.forEach(poll -> redis.putAll(cache.read(client, poll.id())));
                if (redis.equals(pgCounts)) {
                    break;
                }
                Thread.sleep(Duration.ofMillis(200));
            }
        }
        return redis;
    }
}
