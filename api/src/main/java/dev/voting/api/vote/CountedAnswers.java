package dev.voting.api.vote;

import dev.voting.shared.vote.Vote;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

/**
 * The answers PostgreSQL gives when Redis cannot: from the vote the workers counted for the voter,
 * at once or after waiting a little for it.
 */
final class CountedAnswers implements AutoCloseable {
    /** How long a vote of a poll Redis cannot vouch for waits for the workers' verdict before 503. */
    static final Duration SETTLE_PATIENCE = Duration.ofSeconds(5);

    private final CountedVotes counted;

    CountedAnswers(CountedVotes counted) {
        this.counted = counted;
    }

    /** Redis cannot say and nothing was claimed or published: only a counted vote can answer. */
    Answer fromDatabase(Vote vote, String why) {
        try {
            return counted.await(vote.pollId(), vote.voterId(), Duration.ZERO).get()
                    .<Answer>map(c -> new Answer.AlreadyVoted(c.voteId(), c.candidateId()))
                    .orElseGet(() -> new Answer.NotRecorded(vote.voteId(), why + "; repeats cannot be checked"));
        } catch (ExecutionException | RuntimeException e) {
            return new Answer.NotRecorded(vote.voteId(), why + " and PostgreSQL did not answer");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer.NotRecorded(vote.voteId(), "the server is shutting down");
        }
    }

    /**
     * Waits for the voter's counted vote: 202 when it is {@code own} (null for a repeat), 409 naming
     * it otherwise, and 503 naming {@code inDoubt} when the workers have not counted any in time.
     */
    Answer settled(Vote vote, UUID own, UUID inDoubt) {
        try {
            Optional<CountedVotes.Counted> result = counted.await(vote.pollId(), vote.voterId(), SETTLE_PATIENCE).get();
            if (result.isEmpty()) {
                return new Answer.OutcomeUnknown(inDoubt, "the vote is queued but not counted yet");
            }
            CountedVotes.Counted c = result.get();
            return c.voteId().equals(own) ? new Answer.Accepted(own) : new Answer.AlreadyVoted(c.voteId(), c.candidateId());
        } catch (ExecutionException | RuntimeException e) {
            return new Answer.OutcomeUnknown(inDoubt, "PostgreSQL did not answer");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer.OutcomeUnknown(inDoubt, "the server is shutting down");
        }
    }

    @Override
    public void close() throws InterruptedException {
        counted.close();
    }
}
