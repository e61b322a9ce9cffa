package dev.voting.api.vote;

import java.time.Duration;
import java.util.UUID;

/** What Redis says about a vote before it is published. */
sealed interface Admission {
    /** The voter's claim on the poll is taken; publish the vote. */
    record Admitted() implements Admission {
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
