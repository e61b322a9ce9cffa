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
    /** How long a vote of a poll Redis cannot vouch for waits for the workers' verdict before 503. */
    static final Duration SETTLE_PATIENCE = Duration.ofSeconds(5);

    private final RedisEpoch epoch;
    private final PollTrust trust;
    private final VoteAdmissions admissions;
    private final VotePublisher publisher;
    private final CountedVotes counted;

    VoteIntake(RedisEpoch epoch, PollTrust trust, VoteAdmissions admissions, VotePublisher publisher, CountedVotes counted) {
        this.epoch = epoch;
        this.trust = trust;
        this.admissions = admissions;
        this.publisher = publisher;
        this.counted = counted;
    }

    /** Knows Redis's epoch before the first vote (making one if Redis has none). */
    public static VoteIntake create(UnifiedJedis redis, RedisKeys keys, Jdbc jdbc, VoteAdmissions admissions,
                                    VotePublisher publisher) {
        RedisEpoch epoch = new RedisEpoch(redis, keys);
        epoch.refresh();
        return new VoteIntake(epoch, new PollTrust(jdbc), admissions, publisher, new CountedVotes(jdbc, System::nanoTime));
    }

    @Override
    public void close() throws InterruptedException {
        counted.close();
    }

    /** {@code json} is the vote as published and as its pending record; {@code closesAt} the poll's close time, or null. */
    Answer cast(Vote vote, String json, Instant closesAt) {
        boolean epochRenewed = false;
        while (true) {
            String known;
            try {
                known = epoch.current();
            } catch (JedisException e) {
                epoch.suspect();
                return fromDatabase(vote, "Redis is unavailable");
            }
            boolean trusted = trust.trusted(vote.pollId(), known);  // UnavailableException: nothing was claimed
            switch (admissions.admit(vote, json, known, closesAt)) {
                case Admission.Admitted() -> {
                    return trusted ? publish(vote, json) : publishAndSettle(vote, json);
                }
                case Admission.AlreadyVoted(UUID voteId, long candidateId) -> {
                    return trusted ? requeue(voteId, candidateId) : settleRepeat(vote, voteId);
                }
                case Admission.Limited(LimitScope scope, int perSecond, Duration retryAfter) -> {
                    return new Answer.Limited(scope, perSecond, retryAfter);
                }
                case Admission.Unavailable(boolean mayHaveClaimed, String why) -> {
                    epoch.suspect();
                    return mayHaveClaimed
                            ? new Answer.OutcomeUnknown(vote.voteId(), "Redis did not answer whether the vote was taken (" + why + ")")
                            : fromDatabase(vote, "Redis is unavailable (" + why + ")");
                }
                case Admission.EpochChanged() -> {
                    if (epochRenewed) {
                        return new Answer.NotRecorded(vote.voteId(), "Redis is recovering its data");
                    }
                    epochRenewed = true;
                    try {
                        epoch.refresh();
                    } catch (JedisException e) {
                        return fromDatabase(vote, "Redis is unavailable");
                    }
                }
            }
        }
    }

    /** Redis answers for the poll: the confirm makes the 202 true. */
    private Answer publish(Vote vote, String json) {
        Optional<PublishFailure> failure = confirm(json);
        if (failure.isEmpty()) {
            return new Answer.Accepted(vote.voteId());
        }
        return failed(vote, failure.get());
    }

    /** Nobody vouches for the poll's markers: the vote is queued, and the answer is what PostgreSQL counts. */
    private Answer publishAndSettle(Vote vote, String json) {
        Optional<PublishFailure> failure = confirm(json);
        if (failure.isPresent()) {
            return failed(vote, failure.get());
        }
        return settled(vote, vote.voteId(), vote.voteId());
    }

    /**
     * A repeat in a poll Redis answers for: the claimed vote is the one that counts. It is published
     * again (same id, counted once) unless a worker already settled it, before the voter is told so.
     */
    private Answer requeue(UUID voteId, long candidateId) {
        Optional<String> pending;
        try {
            pending = admissions.takeForRequeue(voteId);
        } catch (JedisException e) {
            return new Answer.OutcomeUnknown(voteId, "Redis is unavailable");
        }
        if (pending.isPresent() && confirm(pending.get()).isPresent()) {
            return new Answer.OutcomeUnknown(voteId, "the voter's earlier vote could not be confirmed as queued yet");
        }
        return new Answer.AlreadyVoted(voteId, candidateId);
    }

    /** A repeat in a poll Redis cannot vouch for: the claimed vote is published again, and PostgreSQL answers. */
    private Answer settleRepeat(Vote vote, UUID claimed) {
        try {
            admissions.takeForRequeue(claimed).ifPresent(this::confirm);
        } catch (JedisException e) {
            // Then only what PostgreSQL already counts can answer.
        }
        return settled(vote, null, claimed);
    }

    /** Redis cannot say and nothing was claimed or published: only a counted vote can answer. */
    private Answer fromDatabase(Vote vote, String why) {
        try {
            return counted.await(vote.pollId(), vote.voterId(), Duration.ZERO).get()
                    .<Answer>map(c -> new Answer.AlreadyVoted(c.voteId(), c.candidateId()))
                    .orElseGet(() -> new Answer.NotRecorded(vote.voteId(), why + "; repeats cannot be checked"));
        } catch (ExecutionException | RuntimeException e) {
            return new Answer.NotRecorded(vote.voteId(), why + " and PostgreSQL did not answer");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer.NotRecorded(vote.voteId(), "the server is shutting down");
        }
    }

    /**
     * Waits for the voter's counted vote: 202 when it is {@code own} (null for a repeat), 409 naming
     * it otherwise, and 503 naming {@code inDoubt} when the workers have not counted any in time.
     */
    private Answer settled(Vote vote, UUID own, UUID inDoubt) {
        try {
            Optional<CountedVotes.Counted> result = counted.await(vote.pollId(), vote.voterId(), SETTLE_PATIENCE).get();
            if (result.isEmpty()) {
                return new Answer.OutcomeUnknown(inDoubt, "the vote is queued but not counted yet");
            }
            CountedVotes.Counted c = result.get();
            return c.voteId().equals(own) ? new Answer.Accepted(own) : new Answer.AlreadyVoted(c.voteId(), c.candidateId());
        } catch (ExecutionException | RuntimeException e) {
            return new Answer.OutcomeUnknown(inDoubt, "PostgreSQL did not answer");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer.OutcomeUnknown(inDoubt, "the server is shutting down");
        }
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
