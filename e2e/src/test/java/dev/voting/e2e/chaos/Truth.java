package dev.voting.e2e.chaos;

import dev.voting.e2e.chaos.LoadGenerator.Kind;
import dev.voting.e2e.chaos.LoadGenerator.Outcome;
import dev.voting.e2e.chaos.Verdict.Rejected;
import dev.voting.e2e.chaos.Verdict.Row;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Whether every answer was true for its voter (G9), held against the counted rows of {@code votes}.
 *
 * <ul>
 *   <li>{@code acceptedNotCounted}: a 202 whose vote is not a counted row (of that voter, poll and
 *       candidate): refused by the worker, or missing.</li>
 *   <li>{@code notRecordedCounted}: a 503 {@code service_unavailable} ("not recorded; safe to retry")
 *       whose {@code voteId} is counted. For such a 503 without a {@code voteId}: a counted vote of
 *       that voter and candidate that nothing else explains (no 202 named it, and no attempt of that
 *       voter for that candidate went unanswered or was told {@code outcome_unknown} or another 5xx).</li>
 *   <li>{@code alreadyVotedWrong}: a 409 {@code already_voted} whose {@code voteId} and
 *       {@code candidateId} are not exactly the voter's counted row, or the voter has none.</li>
 *   <li>{@code closedEarly}: a 409 {@code poll_closed} answered before the poll's close was sent (or
 *       for a poll never closed); {@code pollClosed} counts them all.</li>
 * </ul>
 */
record Truth(long acceptedNotCounted, long notRecordedCounted, long alreadyVotedWrong, long pollClosed, long closedEarly,
             List<Violation> violations) {

    static final String NOT_RECORDED = "/problems/service_unavailable";
    static final String OUTCOME_UNKNOWN = "/problems/outcome_unknown";

    /** One untrue answer: which counter it counts in, the answer, and what the database holds instead. */
    record Violation(String counter, Outcome outcome, String found) {
    }

    /**
     * {@code closedAt}: the {@link System#nanoTime()} at which each closed poll's close was sent;
     * {@code deadLettered}: the ids of the votes in the dead-letter queue (to say where a missing vote went).
     */
    static Truth of(Collection<Outcome> outcomes, List<Row> rows, List<Rejected> rejected, Map<Long, Long> closedAt,
                    Set<UUID> deadLettered) {
        Map<UUID, Row> rowsById = new HashMap<>();
        Map<String, Row> countedByVoter = new HashMap<>();
        for (Row row : rows) {
            rowsById.put(row.voteId(), row);
            countedByVoter.put(row.pollId() + "/" + row.voter(), row);
        }
        Map<UUID, Rejected> rejectedById = new HashMap<>();
        rejected.forEach(r -> rejectedById.put(r.voteId(), r));

        List<Violation> violations = new ArrayList<>();
        Set<UUID> acceptedIds = new HashSet<>();
        Set<String> unclear = new HashSet<>();  // poll/voter/candidate of attempts the API could not answer for
        Map<String, Outcome> notRecordedWithoutId = new HashMap<>();  // the earliest of each poll/voter/candidate
        Set<UUID> flagged = new HashSet<>();
        long pollClosed = 0;
        long closedEarly = 0;
        for (Outcome outcome : outcomes) {
            var attempt = outcome.attempt();
            String voterKey = attempt.pollId() + "/" + attempt.voter();
            String key = voterKey + "/" + attempt.candidateId();
            if (outcome.kind() == Kind.ACCEPTED) {
                acceptedIds.add(outcome.voteId());
                Row row = outcome.voteId() == null ? null : rowsById.get(outcome.voteId());
                if (row == null || row.pollId() != attempt.pollId() || !row.voter().equals(attempt.voter())
                        || row.candidateId() != attempt.candidateId()) {
                    Rejected why = outcome.voteId() == null ? null : rejectedById.get(outcome.voteId());
                    violations.add(new Violation("accepted_not_counted", outcome, row != null ? "counted as " + row
                            : why != null ? "rejected: " + why.reason()
                            : deadLettered.contains(outcome.voteId()) ? "dead-lettered" : "missing"));
                }
            } else if (outcome.kind() == Kind.ALREADY_VOTED) {
                Row row = countedByVoter.get(voterKey);
                if (row == null || !row.voteId().equals(outcome.voteId()) || outcome.candidateId() == null
                        || row.candidateId() != outcome.candidateId()) {
                    violations.add(new Violation("already_voted_wrong", outcome, row == null ? "no counted vote" : "counted " + row
                            + (deadLettered.contains(outcome.voteId()) ? "; the one named is dead-lettered" : "")));
                }
            } else if (isNotRecorded(outcome)) {
                if (outcome.voteId() == null) {
                    notRecordedWithoutId.merge(key, outcome, (a, b) -> a.sentAt() <= b.sentAt() ? a : b);
                } else if (rowsById.containsKey(outcome.voteId())) {
                    flagged.add(outcome.voteId());
                    violations.add(new Violation("not_recorded_counted", outcome, "counted " + rowsById.get(outcome.voteId())));
                }
            } else if (outcome.kind() == Kind.UNKNOWN) {
                unclear.add(key);
            }
            if ("/problems/poll_closed".equals(outcome.type())) {
                pollClosed++;
                Long closed = closedAt.get(attempt.pollId());
                if (closed == null || outcome.answeredAt() < closed) {
                    closedEarly++;
                    violations.add(new Violation("closed_early", outcome, closed == null ? "poll never closed"
                            : String.format("answered %.3f s before the close", (closed - outcome.answeredAt()) / 1e9)));
                }
            }
        }
        for (Row row : rows) {
            String key = row.pollId() + "/" + row.voter() + "/" + row.candidateId();
            Outcome told = notRecordedWithoutId.get(key);
            if (told != null && !acceptedIds.contains(row.voteId()) && !unclear.contains(key) && !flagged.contains(row.voteId())) {
                violations.add(new Violation("not_recorded_counted", told, "counted " + row + ", which no other answer explains"));
            }
        }
        return new Truth(count(violations, "accepted_not_counted"), count(violations, "not_recorded_counted"),
                count(violations, "already_voted_wrong"), pollClosed, closedEarly, List.copyOf(violations));
    }

    /** "Not recorded; safe to retry": the one 5xx that promises the vote will never count. */
    static boolean isNotRecorded(Outcome outcome) {
        return outcome.status() == 503 && NOT_RECORDED.equals(outcome.type());
    }

    String line() {
        return "truth: accepted_not_counted=" + acceptedNotCounted + " not_recorded_counted=" + notRecordedCounted
                + " already_voted_wrong=" + alreadyVotedWrong;
    }

    private static long count(List<Violation> violations, String counter) {
        return violations.stream().filter(v -> v.counter().equals(counter)).count();
    }
}
