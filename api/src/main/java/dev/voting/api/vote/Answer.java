package dev.voting.api.vote;

import java.time.Duration;
import java.util.UUID;

/** What a voter is told about a vote, each a promise the system keeps (G9). */
sealed interface Answer {
    /** 202: this vote will be counted. */
    record Accepted(UUID voteId) implements Answer {
    }

    /** 409: the voter's vote that is, or will be, counted. */
    record AlreadyVoted(UUID voteId, long candidateId) implements Answer {
    }

    /** 429: nothing was recorded. */
    record Limited(LimitScope scope, int limitPerSecond, Duration retryAfter) implements Answer {
    }

    /** 503: this vote will never be counted; the voter is free to vote again. */
    record NotRecorded(UUID voteId, String why) implements Answer {
    }

    /** 503: the voter's vote {@code voteId} may or may not be counted; a retry settles it. */
    record OutcomeUnknown(UUID voteId, String why) implements Answer {
    }
}
