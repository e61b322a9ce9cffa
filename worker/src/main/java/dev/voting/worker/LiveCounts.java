package dev.voting.worker;

import dev.voting.shared.redis.CountsCache;
import dev.voting.shared.redis.RedisKeys;
import dev.voting.shared.redis.VoterMarker;
import dev.voting.shared.vote.Vote;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Brings Redis level with a committed batch in one pipeline: the absolute counts of every poll the
 * batch touched (set-if-larger, see {@link CountsCache}) and, for every counted vote, the voter's
 * marker for good (and drops the API's pending record of it), so that the API answers a repeat with the
 * vote that really counted.
 */
final class LiveCounts {
    private final UnifiedJedis redis;
    private final CountsCache counts;
    private final RedisKeys keys;
    private final SetParams markerTtl;

    LiveCounts(UnifiedJedis redis, RedisKeys keys, Duration markerTtl) {
        this.redis = redis;
        this.counts = new CountsCache(keys);
        this.keys = keys;
        this.markerTtl = SetParams.setParams().px(markerTtl.toMillis());
    }

    /** {@code batch} is every vote the transaction settled: counted, recorded as failed, or found counted before. */
    void publish(BatchResult result, List<Vote> batch) {
        try (AbstractPipeline pipeline = redis.pipelined()) {
            for (Map.Entry<Long, Map<Long, Long>> poll : result.counts().entrySet()) {
                counts.raise(pipeline, poll.getKey(), poll.getValue());
            }
            for (Vote vote : result.counted()) {
                pipeline.set(keys.voterMarker(vote.pollId(), vote.voterId()),
                        new VoterMarker(vote.voteId(), vote.candidateId()).encode(), markerTtl);
            }
            // PostgreSQL now has the final word on each of them: a repeat no longer needs to make sure
            // it is queued, and GET /votes/{id} reads its status from the database.
            for (Vote vote : batch) {
                pipeline.del(keys.pendingVote(vote.voteId()));
            }
            pipeline.sync();
        }
    }
}
