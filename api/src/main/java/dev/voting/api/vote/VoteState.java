package dev.voting.api.vote;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/**
 * Where a vote stands, as {@code GET /votes/{voteId}} and the 202 say it: the values of PostgreSQL's
 * {@code vote_processing_status}, written in lower case. A vote is {@code received} while it is
 * queued, and ends {@code processed} (counted) or {@code failed} (recorded with its reason).
 */
public enum VoteState {
    RECEIVED, VALIDATING, PROCESSED, FAILED;

    /** The state PostgreSQL names ({@code status::text}). */
    static VoteState of(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
