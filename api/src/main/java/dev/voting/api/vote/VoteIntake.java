package dev.voting.api.vote;

import dev.voting.shared.db.Jdbc;
import dev.voting.shared.redis.RedisKeys;
import dev.voting.shared.vote.Vote;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Takes a checked vote to the answer its voter gets, and makes that answer true (G9).
 *
 * <p>While Redis's markers of the poll are complete ({@link PollTrust}), Redis decides: a claim
 * granted means no other vote of the voter can count, so the vote is published and answered 202 at
 * the broker's confirm, and a repeat is answered 409 with the claimed vote (published again first,
 * in case the API that claimed it died before publishing). When Redis cannot say (it is down or
 * answers errors, or lost the poll's markers), PostgreSQL does: the answer waits for the vote the
 * workers count. A vote is said to be not recorded only when it can never be queued.
 */
public final class VoteIntake implements AutoCloseable {
    /** A repeat admitted again this often, each time finding the claim it was told of given back, gives up. */
    private static final int MAX_GIVEN_BACK = 2;

    private final RedisEpoch epoch;
    private final PollTrust trust;
    private final VoteAdmissions admissions;
    private final VotePublisher publisher;
    private final CountedAnswers verdicts;

    VoteIntake(RedisEpoch epoch, PollTrust trust, VoteAdmissions admissions, VotePublisher publisher, CountedAnswers verdicts) {
        this.epoch = epoch;
        this.trust = trust;
        this.admissions = admissions;
        this.publisher = publisher;
        this.verdicts = verdicts;
    }

    /** Knows Redis's epoch before the first vote (making one if Redis has none). */
    public static VoteIntake create(UnifiedJedis redis, RedisKeys keys, Jdbc jdbc, VoteAdmissions admissions,
                                    VotePublisher publisher) {
        RedisEpoch epoch = new RedisEpoch(redis, keys);
        epoch.refresh();
        return new VoteIntake(epoch, new PollTrust(jdbc), admissions, publisher, new CountedAnswers(new CountedVotes(jdbc, System::nanoTime)));
    }

    @Override
    public void close() throws InterruptedException {
        verdicts.close();
    }

    /** {@code json} is the vote as published and as its pending record; {@code closesAt} the poll's close time, or null. */
    Answer cast(Vote vote, String json, Instant closesAt) {
        boolean epochRenewed = false;
        int givenBack = 0;
        while (true) {
            String known;
            try {
                known = epoch.current();
            } catch (JedisException e) {
                epoch.suspect();
                return verdicts.fromDatabase(vote, "Redis is unavailable");
            }
            boolean trusted = trust.trusted(vote.pollId(), known);  // UnavailableException: nothing was claimed
            switch (admitAndPublish(vote, json, known, closesAt)) {
                case Admission.Admitted(Optional<PublishFailure> failure) -> {
                    if (failure.isPresent()) {
                        return failed(vote, failure.get());
                    }
                    // Redis answers for the poll: the confirm makes the 202 true. Else the vote is queued,
                    // and the answer is what PostgreSQL counts.
                    return trusted ? new Answer.Accepted(vote.voteId()) : verdicts.settled(vote, vote.voteId(), vote.voteId());
                }
                case Admission.Unsent(String why) -> {
                    return new Answer.NotRecorded(vote.voteId(), why);  // nothing claimed, nothing sent
                }
                case Admission.AlreadyVoted(UUID voteId, long candidateId) -> {
                    Requeue found;
                    try {
                        found = admissions.takeForRequeue(vote, voteId, candidateId);
                    } catch (JedisException e) {
                        epoch.suspect();
                        return trusted ? new Answer.OutcomeUnknown(voteId, "Redis is unavailable") : verdicts.settled(vote, null, voteId);
                    }
                    if (!(found instanceof Requeue.GivenBack)) {
                        return trusted ? requeue(voteId, candidateId, found) : settleRepeat(vote, voteId, found);
                    }
                    if (++givenBack > MAX_GIVEN_BACK) {  // nothing of this vote was claimed or published
                        return new Answer.NotRecorded(vote.voteId(), "the voter's earlier vote was being given back; retry");
                    }
                }
                case Admission.Limited(LimitScope scope, int perSecond, Duration retryAfter) -> {
                    return new Answer.Limited(scope, perSecond, retryAfter);
                }
                case Admission.Unavailable(boolean mayHaveClaimed, String why) -> {
                    epoch.suspect();
                    return mayHaveClaimed
                            ? new Answer.OutcomeUnknown(vote.voteId(), "Redis did not answer whether the vote was taken (" + why + ")")
                            : verdicts.fromDatabase(vote, "Redis is unavailable (" + why + ")");
                }
                case Admission.EpochChanged() -> {
                    if (epochRenewed) {
                        return new Answer.NotRecorded(vote.voteId(), "Redis is recovering its data");
                    }
                    epochRenewed = true;
                    try {
                        epoch.refresh();
                    } catch (JedisException e) {
                        return verdicts.fromDatabase(vote, "Redis is unavailable");
                    }
                }
            }
        }
    }

    /** The vote's admission and, when admitted, its publish: one wait, which the lane bounds. */
    private Admission admitAndPublish(Vote vote, String json, String known, Instant closesAt) {
        try {
            return admissions.admitAndPublish(vote, json, known, closesAt).get();
        } catch (ExecutionException e) {  // the lane completes every outcome normally; kept truthful all the same
            return new Admission.Unavailable(true, String.valueOf(e.getCause().getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Admission.Unavailable(true, "interrupted");
        }
    }

    /**
     * A repeat in a poll Redis answers for: the claimed vote is the one that counts. It is published
     * again (same id, counted once) unless a worker already settled it, before the voter is told so.
     */
    private Answer requeue(UUID voteId, long candidateId, Requeue found) {
        if (found instanceof Requeue.Pending(String json) && confirm(json).isPresent()) {
            return new Answer.OutcomeUnknown(voteId, "the voter's earlier vote could not be confirmed as queued yet");
        }
        return new Answer.AlreadyVoted(voteId, candidateId);
    }

    /** A repeat in a poll Redis cannot vouch for: the claimed vote is published again, and PostgreSQL answers. */
    private Answer settleRepeat(Vote vote, UUID claimed, Requeue found) {
        if (found instanceof Requeue.Pending(String json)) {
            confirm(json);  // whatever the broker says, only what PostgreSQL counts can answer
        }
        return verdicts.settled(vote, null, claimed);
    }

    /** A publish that failed: not recorded only when the broker never queued it and its claim came back. */
    private Answer failed(Vote vote, PublishFailure failure) {
        if (!failure.mayBeQueued() && admissions.release(vote)) {
            return new Answer.NotRecorded(vote.voteId(), failure.getMessage());
        }
        return new Answer.OutcomeUnknown(vote.voteId(), failure.getMessage());
    }

    /** Empty when the broker confirmed the message; the publisher answers within its confirm timeout. */
    private Optional<PublishFailure> confirm(String json) {
        CompletableFuture<Void> confirmed = publisher.publish(json);
        try {
            confirmed.get();
            return Optional.empty();
        } catch (ExecutionException e) {
            return Optional.of(e.getCause() instanceof PublishFailure f ? f
                    : PublishFailure.unconfirmed(String.valueOf(e.getCause().getMessage())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(PublishFailure.unconfirmed("the server is shutting down"));
        }
    }
}
