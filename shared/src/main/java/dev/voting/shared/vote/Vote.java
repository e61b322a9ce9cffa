package dev.voting.shared.vote;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.HexFormat;
import java.util.UUID;

/**
 * One vote as it travels from the API to the worker (a message carries one vote or a batch, see VoteCodec).
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
        String problem = voterIdProblem(voterId);
        return problem == null ? null : "voterId " + problem;
    }

    /**
     * The JWT {@code sub} rules, or null when they hold: 1..128 characters, no control characters
     * (PostgreSQL text refuses NUL) and no unpaired surrogate (UTF-8 cannot carry one: Jackson fails
     * the whole batch message it is in, and a lone vote reaches Redis and PostgreSQL as '?'). Said
     * of the voter id ("must ..."), for the caller to name it.
     */
    public static String voterIdProblem(String voterId) {
        if (voterId == null) {
            return "is missing";
        }
        if (voterId.isEmpty() || voterId.length() > MAX_VOTER_ID_LENGTH) {
            return "must have 1 to " + MAX_VOTER_ID_LENGTH + " characters, not " + voterId.length();
        }
        for (int i = 0; i < voterId.length(); i++) {
            char c = voterId.charAt(i);
            if (Character.isISOControl(c)) {
                return "must not contain control characters (" + codePoint(c) + " at index " + i + ")";
            }
            if (Character.isHighSurrogate(c) && i + 1 < voterId.length() && Character.isLowSurrogate(voterId.charAt(i + 1))) {
                i++;  // a whole pair: one character outside the BMP
            } else if (Character.isSurrogate(c)) {
                return "must not contain an unpaired surrogate (" + codePoint(c) + " at index " + i + ")";
            }
        }
        return null;
    }

    private static String codePoint(char c) {
        return "U+" + HexFormat.of().withUpperCase().toHexDigits(c);
    }
}
