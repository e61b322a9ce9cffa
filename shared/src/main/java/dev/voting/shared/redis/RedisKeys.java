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

    /**
     * Hash voterId → "voteId candidateId" of the vote each voter cast in a poll: answers a repeat
     * with 409 at once. It has no expiry while the poll is open: a marker that vanished would let a
     * repeat through.
     */
    public String voterMarkers(long pollId) {
        return prefix + "voted:" + pollId;
    }

    /** A vote accepted but not yet processed, so that {@code GET /votes/{id}} can say "received". */
    public String pendingVote(UUID voteId) {
        return prefix + "vote:" + voteId;
    }

    /** Set while a repeat re-publishes a pending vote: its claim may then no longer be given back. */
    public String requeuedVote(UUID voteId) {
        return prefix + "vote:" + voteId + ":requeued";
    }

    /**
     * The id of Redis's current memory: created when missing, so it is gone (and then new) after
     * Redis lost its data. Markers written under one epoch say nothing about votes of another.
     */
    public String epoch() {
        return prefix + "epoch";
    }

    public String voterBucket(String voterId) {
        return prefix + "rl:voter:" + voterId;
    }

    public String ipBucket(String ip) {
        return prefix + "rl:ip:" + ip;
    }
}
