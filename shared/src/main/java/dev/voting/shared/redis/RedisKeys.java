package dev.voting.shared.redis;

import java.util.UUID;

/**
 * Every Redis key of the system, in one place. The prefix lets several deployments (or tests) share
 * one Redis.
 */
public record RedisKeys(String prefix) {

    /** Hash candidateId → absolute vote count of one poll; a cache of PostgreSQL's counts. */
    public String counts(long pollId) {
        return prefix + "counts:" + pollId;
    }

    /** "voteId candidateId" of the vote a voter cast in a poll: answers a repeat with 409 at once. */
    public String voterMarker(long pollId, String voterId) {
        return prefix + "voted:" + pollId + ":" + voterId;
    }

    /** A vote accepted but not yet processed, so that {@code GET /votes/{id}} can say "received". */
    public String pendingVote(UUID voteId) {
        return prefix + "vote:" + voteId;
    }

    public String voterBucket(String voterId) {
        return prefix + "rl:voter:" + voterId;
    }

    public String ipBucket(String ip) {
        return prefix + "rl:ip:" + ip;
    }
}
