package dev.voting.api.vote;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.time.Instant;
import java.util.UUID;

/** {@code GET /votes/{voteId}}: where a vote stands. {@code reason} is set when it failed. */
public record VoteStatus(UUID voteId, long pollId, long candidateId, VoteState status, String reason,
                         Instant acceptedAt, Instant processedAt, @JsonIgnore String voterId) {
}
