package dev.voting.api.vote;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * What became of a vote its publish lane admitted in Redis ({@link VoteAdmissions#admitAndPublish}):
 * refused at once, or admitted and then published.
 */
sealed interface Admission {
    /**
     * The voter's claim on the poll is taken and the vote was published: {@code failure} is empty
     * when the broker confirmed it, else why it has no confirm (and whether it may still be queued).
     */
    record Admitted(Optional<PublishFailure> failure) implements Admission {
        static final Admitted CONFIRMED = new Admitted(Optional.empty());
    }

    /**
     * The lane never got to admit the vote (the broker unreachable, the API stopping, or no message
     * could leave within the confirm timeout): nothing was claimed, nothing sent.
     */
    record Unsent(String why) implements Admission {
    }

    /** Redis holds a claim of this voter on the poll: the vote it names. */
    record AlreadyVoted(UUID voteId, long candidateId) implements Admission {
    }

    /** A token bucket is empty. */
    record Limited(LimitScope scope, int limitPerSecond, Duration retryAfter) implements Admission {
    }

    /** Redis's memory is not the one the caller knew (it lost its data): nothing was claimed. */
    record EpochChanged() implements Admission {
    }

    /**
     * Redis could not answer. {@code mayHaveClaimed} is false when the script certainly left no claim
     * (it never ran, or Redis refused it with an error before its last write), true when the call
     * went out and no answer came back.
     */
    record Unavailable(boolean mayHaveClaimed, String why) implements Admission {
    }
}
