package dev.voting.api.vote;

/** The body of {@code POST /polls/{pollId}/votes}. Boxed, so that a missing id is told from 0. */
public record VoteRequest(Long candidateId) {
}
