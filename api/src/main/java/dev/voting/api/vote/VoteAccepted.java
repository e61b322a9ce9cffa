package dev.voting.api.vote;

import java.util.UUID;

/** The 202 body: the vote is durable in the queue and will be counted. */
public record VoteAccepted(UUID voteId, VoteState status) {
}
