package dev.voting.api.results;

import java.time.Instant;
import java.util.List;

/** {@code GET /polls/{pollId}/results}: counts per candidate in ballot order, as of {@code asOf}. */
public record Results(long pollId, String title, String status, long totalVotes, List<CandidateResult> results,
                      Instant asOf) {

    public record CandidateResult(long candidateId, String name, long votes) {
    }

    /** Whether this shows less than {@code other} anywhere (an earlier asOf, fewer votes): counts only grow, so it is older. */
    boolean isBehind(Results other) {
        if (asOf.isBefore(other.asOf) || totalVotes < other.totalVotes) {
            return true;
        }
        for (int i = 0; i < Math.min(results.size(), other.results.size()); i++) {  // both in ballot order
            CandidateResult mine = results.get(i);
            CandidateResult theirs = other.results.get(i);
            if (mine.candidateId() == theirs.candidateId() && mine.votes() < theirs.votes()) {
                return true;
            }
        }
        return false;
    }
}
