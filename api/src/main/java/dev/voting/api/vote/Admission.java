package dev.voting.api.vote;

import java.time.Duration;
import java.util.UUID;

/** What Redis says about a vote before it is published. */
sealed interface Admission {
    /** The voter's claim on the poll is taken; publish the vote. */
    record Admitted() implements Admission {
    }

    /** The voter already voted in this poll (or has a vote in flight). */
    record AlreadyVoted(UUID voteId, long candidateId) implements Admission {
    }

    /** A token bucket is empty. {@code scope} is {@code voter} or {@code ip}. */
    record Limited(String scope, int limitPerSecond, Duration retryAfter) implements Admission {
    }

    /**
     * Redis could not be asked. The vote goes on: limits fail open, and PostgreSQL's unique key
     * still refuses a second vote, so a repeat costs a queued message, never a double count.
     */
    record Unchecked() implements Admission {
    }
}
