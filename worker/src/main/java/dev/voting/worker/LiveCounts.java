package dev.voting.worker;

import dev.voting.shared.redis.CountsCache;
import dev.voting.shared.redis.RedisKeys;
import dev.voting.shared.redis.VoterMarker;
import dev.voting.shared.vote.Vote;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.UnifiedJedis;

import java.util.List;
import java.util.Map;

/**
 * Brings Redis level with a committed batch in one pipeline: the absolute counts of every poll the
 * batch touched (set-if-larger, see {@link CountsCache}) and, for every counted vote, the voter's
 * marker (and drops the API's pending record of it), so that the API answers a repeat with the vote
 * that really counted. Markers do not expire: a marker that vanished would let a repeat through.
 */
final class LiveCounts {
    private final UnifiedJedis redis;
    private final CountsCache counts;
    private final RedisKeys keys;

    LiveCounts(UnifiedJedis redis, RedisKeys keys) {
        this.redis = redis;
        this.counts = new CountsCache(keys);
        this.keys = keys;
    }

    /** {@code batch} is every vote the transaction settled: counted, recorded as failed, or found counted before. */
    void publish(BatchResult result, List<Vote> batch) {
        try (AbstractPipeline pipeline = redis.pipelined()) {
            for (Map.Entry<Long, Map<Long, Long>> poll : result.counts().entrySet()) {
                counts.raise(pipeline, poll.getKey(), poll.getValue());
            }
            for (Vote vote : result.counted()) {
                pipeline.hset(keys.voterMarkers(vote.pollId()), vote.voterId(),
                        new VoterMarker(vote.voteId(), vote.candidateId()).encode());
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
