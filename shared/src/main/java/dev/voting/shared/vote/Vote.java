package dev.voting.shared.vote;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.UUID;

/**
 * One vote as it travels from the API to the worker (see CONTRACT.md, "The vote message").
 * {@code acceptedAt} is stamped by the API, so a vote accepted while its poll was open is counted
 * even when the queue drains after the poll closed (G8).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Vote(UUID voteId, long pollId, long candidateId, String voterId, Instant acceptedAt,
                   String clientIp, String requestId) {

    public static final int MAX_VOTER_ID_LENGTH = 128;

    /** Why this vote cannot be processed at all, or null when its shape is sound. */
    public String shapeProblem() {
        if (voteId == null) {
            return "voteId is missing";
        }
        if (pollId <= 0 || candidateId <= 0) {
            return "pollId and candidateId must be positive";
        }
        if (acceptedAt == null) {
            return "acceptedAt is missing";
        }
        return voterIdProblem(voterId);
    }

    /** The JWT {@code sub} rules: 1..128 characters, no control characters (PostgreSQL text refuses NUL). */
    public static String voterIdProblem(String voterId) {
        if (voterId == null || voterId.isEmpty() || voterId.length() > MAX_VOTER_ID_LENGTH) {
            return "voterId must have 1 to " + MAX_VOTER_ID_LENGTH + " characters";
        }
        for (int i = 0; i < voterId.length(); i++) {
            if (Character.isISOControl(voterId.charAt(i))) {
                return "voterId must not contain control characters";
            }
        }
        return null;
    }
}
