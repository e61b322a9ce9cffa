package dev.voting.api.vote;

import dev.voting.api.ApiConfig;
import dev.voting.api.client.ClientAddresses;
import dev.voting.shared.redis.RedisKeys;
import dev.voting.shared.redis.ScriptNotRunException;
import dev.voting.shared.redis.ScriptPipeline;
import dev.voting.shared.redis.VoterMarker;
import dev.voting.shared.vote.Vote;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * One Redis script per vote, run by the publish lane that publishes the vote, pipelined with the
 * scripts of the other votes of its batch ({@link BatchMessage}): Redis's epoch, the voter's
 * and the client IP's token buckets, then the voter's claim on the poll. The claim (a marker holding
 * the vote id, in the poll's hash) answers a repeat with 409 at once; it does not expire while the
 * poll is open (the hash expires a day after the poll's close time, when it has one). A claim is
 * given back only when its vote can never be queued, and nobody has re-published it meanwhile (G5,
 * G9). The scripts themselves are in {@link AdmissionScripts}.
 */
public final class VoteAdmissions {
    private static final Logger log = LoggerFactory.getLogger(VoteAdmissions.class);

    /** Outlives any request that could still give the re-published vote's claim back (the confirm timeout is at most 10 minutes). */
    private static final String REQUEUED_FLAG_MILLIS = Long.toString(Duration.ofHours(1).toMillis());

    private static final Duration CLAIMS_KEPT_AFTER_CLOSE = Duration.ofDays(1);

    private final UnifiedJedis redis;
    private final VotePublisher publisher;
    private final RedisKeys keys;
    private final ApiConfig.RateLimits limits;
    private final LaneClaim.Verdict verdict = this::refusal;  // made once, not per vote

    public VoteAdmissions(UnifiedJedis redis, VotePublisher publisher, RedisKeys keys, ApiConfig.RateLimits limits) {
        this.redis = redis;
        this.publisher = publisher;
        this.keys = keys;
        this.limits = limits;
    }

    /**
     * Admits the vote and, if admitted, publishes it as {@code pendingJson}, the vote as
     * {@code GET /votes/{id}} shows it until it is processed; {@code closesAt}, the poll's close time
     * or null, bounds how long its claims are kept. The future completes when the vote is refused,
     * or at its confirm (within the confirm timeout: no timer of the caller's own is needed).
     */
    CompletableFuture<Admission> admitAndPublish(Vote vote, String pendingJson, String epoch, Instant closesAt) {
        List<String> keyList = List.of(
                keys.epoch(),
                keys.voterMarkers(vote.pollId()),
                keys.pendingVote(vote.voteId()),
                keys.voterBucket(vote.voterId()),
                keys.ipBucket(ClientAddresses.limitKey(vote.clientIp())));  // an IPv6 client is its /64
        List<String> args = List.of(
                epoch,
                vote.voterId(),
                markerValue(vote),
                pendingJson,
                Integer.toString(limits.voterPerSecond()),
                Integer.toString(limits.voterBurst()),
                Integer.toString(limits.ipPerSecond()),
                Integer.toString(limits.ipBurst()),
                closesAt == null ? "0" : Long.toString(claimsExpireAt(closesAt)));
        return publisher.admitAndPublish(pendingJson, new ScriptPipeline.Call(keyList, args, new CompletableFuture<>()), verdict);
    }

    /** Why the admission script's reply ({@code replied}, complete) refuses the vote; empty when it took the voter's claim. */
    Optional<Admission> refusal(CompletableFuture<Object> replied) {
        List<?> reply;
        try {
            reply = (List<?>) replied.get();
        } catch (ExecutionException e) {
            // An error reply (OOM, READONLY, LOADING, BUSY) stopped the script before its claim.
            boolean claimedNothing = e.getCause() instanceof ScriptNotRunException || e.getCause() instanceof JedisDataException;
            return Optional.of(new Admission.Unavailable(!claimedNothing, String.valueOf(e.getCause().getMessage())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(new Admission.Unavailable(true, "interrupted"));
        }
        String verdict = (String) reply.getFirst();
        return switch (verdict) {
            case "ok" -> Optional.empty();  // the lane publishes it and answers at its confirm
            case "voted" -> Optional.of(alreadyVoted((String) reply.get(1)));
            case "epoch" -> Optional.of(new Admission.EpochChanged());
            case "voter" -> Optional.of(new Admission.Limited(LimitScope.VOTER, limits.voterPerSecond(), Duration.ofMillis((Long) reply.get(1))));
            case "ip" -> Optional.of(new Admission.Limited(LimitScope.IP, limits.ipPerSecond(), Duration.ofMillis((Long) reply.get(1))));
            default -> throw new IllegalStateException("unexpected admission verdict " + verdict);
        };
    }

    /**
     * What became of the claimed vote a repeat is about to name ({@code claim}, of the repeat's voter
     * and poll): still pending (then its claim can no longer be given back, and the repeat publishes
     * it again), settled by a worker, or given back meanwhile.
     */
    Requeue takeForRequeue(Vote repeat, UUID claimedId, long claimedCandidate) {
        List<?> reply = (List<?>) AdmissionScripts.TAKE_FOR_REQUEUE.run(redis,
                List.of(keys.voterMarkers(repeat.pollId()), keys.pendingVote(claimedId), keys.requeuedVote(claimedId)),
                List.of(repeat.voterId(), new VoterMarker(claimedId, claimedCandidate).encode(), REQUEUED_FLAG_MILLIS));
        return switch ((String) reply.getFirst()) {
            case "pending" -> new Requeue.Pending((String) reply.get(1));
            case "settled" -> new Requeue.Settled();
            case "given_back" -> new Requeue.GivenBack();
            default -> throw new IllegalStateException("unexpected requeue verdict " + reply.getFirst());
        };
    }

    /**
     * Gives the voter's claim back after the broker certainly did not queue the vote. False when
     * that cannot be done (a repeat re-published the vote meanwhile, or Redis did not answer): the
     * vote may then still be counted, and the voter must not be told otherwise.
     */
    boolean release(Vote vote) {
        try {
            Object released = AdmissionScripts.RELEASE.run(redis,
                    List.of(keys.voterMarkers(vote.pollId()), keys.pendingVote(vote.voteId()), keys.requeuedVote(vote.voteId())),
                    List.of(vote.voterId(), markerValue(vote)));
            return Long.valueOf(1).equals(released);
        } catch (JedisException e) {
            log.warn("could not give back the claim of vote {}: {}", vote.voteId(), e.toString());
            return false;
        }
    }

    /**
     * A closed poll's claims are needed only until the votes accepted before its close are counted:
     * after that every vote is refused as {@code poll_closed} before Redis is asked. They expire a
     * day after the close; best effort, since a poll left with its claims costs memory, not truth.
     */
    public void expireClaims(long pollId, Instant closesAt) {
        try {
            redis.pexpireAt(keys.voterMarkers(pollId), claimsExpireAt(closesAt));
        } catch (JedisException e) {
            log.warn("the claims of closed poll {} will not expire: {}", pollId, e.toString());
        }
    }

    private static long claimsExpireAt(Instant closesAt) {
        return closesAt.plus(CLAIMS_KEPT_AFTER_CLOSE).toEpochMilli();
    }

    private static String markerValue(Vote vote) {
        return new VoterMarker(vote.voteId(), vote.candidateId()).encode();
    }

    private static Admission alreadyVoted(String marker) {
        VoterMarker original = VoterMarker.decode(marker);
        return new Admission.AlreadyVoted(original.voteId(), original.candidateId());
    }
}
