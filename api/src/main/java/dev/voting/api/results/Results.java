package dev.voting.api.results;

import java.time.Instant;
import java.util.List;

/** {@code GET /polls/{pollId}/results}: counts per candidate in ballot order, as of {@code asOf}. */
public record Results(long pollId, String title, String status, long totalVotes, List<CandidateResult> results,
                      Instant asOf) {

    public record CandidateResult(long candidateId, String name, long votes) {
    }
}
