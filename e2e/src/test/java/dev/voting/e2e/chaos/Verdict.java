package dev.voting.e2e.chaos;

import dev.voting.e2e.chaos.LoadGenerator.Kind;
import dev.voting.e2e.chaos.LoadGenerator.Outcome;
import org.junit.jupiter.api.function.Executable;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What the clients were told, held against what PostgreSQL and Redis hold at the end.
 *
 * <ul>
 *   <li>{@code lost}: a vote answered 202 that is neither counted nor recognised as the repeat of the
 *       voter's counted vote; or a voter told {@code already_voted} who has no counted vote (G1).</li>
 *   <li>{@code phantom}: a counted vote that no client was told of (202 or 409) and that no unclear
 *       attempt of that voter for that candidate explains.</li>
 *   <li>{@code doubleCounted}: candidate counts that differ from the rows (G3), plus any voter with two rows (G2).</li>
 *   <li>{@code redisMismatch}: candidates whose Redis count differs from PostgreSQL's (G4).</li>
 *   <li>{@code truth}: whether each answer was true for its voter (G9; see {@link Truth}).</li>
 * </ul>
 */
record Verdict(int attempts, int retries, long accepted, long counted, long lost, long phantom, long doubleCounted,
               long redisMismatch, long dlq, long unexpectedDeadLetters, int faults, long unavailable,
               long unavailableWithoutRetryAfter, long outcomeUnknown, long otherServerErrors, int unresolved,
               Map<Kind, Long> byKind, Truth truth) {

    /** A counted row of {@code votes}. */
    record Row(UUID voteId, long pollId, long candidateId, String voter) {
    }

    /** A row of {@code rejected_votes}. */
    record Rejected(UUID voteId, String voter, String reason) {
    }

    /** What PostgreSQL holds at the end: the rows, the refused votes, the counts and the counts the rows make. */
    record Tables(List<Row> rows, List<Rejected> rejected, Map<Long, Long> pgCounts, Map<Long, Long> rowCounts) {
        static Tables read(Connection connection) throws SQLException {
            List<Row> rows = new ArrayList<>();
            List<Rejected> rejected = new ArrayList<>();
            Map<Long, Long> pgCounts = new HashMap<>();
            Map<Long, Long> rowCounts = new HashMap<>();
            try (Statement statement = connection.createStatement()) {
                try (ResultSet rs = statement.executeQuery("SELECT id, poll_id, candidate_id, voter_id FROM votes")) {
                    while (rs.next()) {
                        rows.add(new Row(rs.getObject(1, UUID.class), rs.getLong(2), rs.getLong(3), rs.getString(4)));
                        rowCounts.merge(rs.getLong(3), 1L, Long::sum);
                    }
                }
                try (ResultSet rs = statement.executeQuery("SELECT vote_id, voter_id, reason FROM rejected_votes")) {
                    while (rs.next()) {
                        rejected.add(new Rejected(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3)));
                    }
                }
                try (ResultSet rs = statement.executeQuery("SELECT candidate_id, votes FROM candidate_counts")) {
                    while (rs.next()) {
                        pgCounts.put(rs.getLong(1), rs.getLong(2));
                    }
                }
            }
            return new Tables(rows, rejected, pgCounts, rowCounts);
        }
    }

    static Verdict of(int attempts, Collection<Outcome> outcomes, List<Row> rows, List<Rejected> rejected,
                      Map<Long, Long> pgCounts, Map<Long, Long> rowCounts, Map<Long, Long> redisCounts,
                      long dlq, long unexpectedDeadLetters, int faults, int unresolved, Map<Long, Long> closedAt,
                      Set<UUID> deadLettered) {
        Map<String, Row> countedByVoter = new HashMap<>();
        long duplicateVoters = 0;
        Map<UUID, Row> rowsById = new HashMap<>();
        for (Row row : rows) {
            if (countedByVoter.put(row.pollId() + "/" + row.voter(), row) != null) {
                duplicateVoters++;
            }
            rowsById.put(row.voteId(), row);
        }
        Map<UUID, Rejected> rejectedById = new HashMap<>();
        rejected.forEach(r -> rejectedById.put(r.voteId(), r));

        Set<UUID> told = new HashSet<>();
        Set<String> unclear = new HashSet<>();  // poll/voter/candidate of attempts once without an answer
        Map<Kind, Long> byKind = new HashMap<>();
        long accepted = 0;
        long unavailable = 0;
        long unavailableWithoutRetryAfter = 0;
        long outcomeUnknown = 0;
        long otherServerErrors = 0;
        int retries = 0;
        for (Outcome outcome : outcomes) {
            byKind.merge(outcome.kind(), 1L, Long::sum);
            retries += outcome.retry() ? 1 : 0;
            if (outcome.status() == 503) {
                unavailable++;
                unavailableWithoutRetryAfter += outcome.hasRetryAfter() ? 0 : 1;
                outcomeUnknown += Truth.OUTCOME_UNKNOWN.equals(outcome.type()) ? 1 : 0;
            } else if (outcome.status() >= 500) {
                otherServerErrors++;
            }
            var attempt = outcome.attempt();
            String voterKey = attempt.pollId() + "/" + attempt.voter();
            switch (outcome.kind()) {
                case ACCEPTED -> {
                    accepted++;
                    told.add(outcome.voteId());
                }
                case ALREADY_VOTED -> told.add(outcome.voteId());
                case UNKNOWN -> unclear.add(voterKey + "/" + attempt.candidateId());
                default -> { }
            }
        }

        long lost = 0;
        for (Outcome outcome : outcomes) {
            String voterKey = outcome.attempt().pollId() + "/" + outcome.attempt().voter();
            if (outcome.kind() == Kind.ACCEPTED && !rowsById.containsKey(outcome.voteId())) {
                Rejected why = rejectedById.get(outcome.voteId());
                boolean repeatOfCounted = why != null && why.reason().equals("already_voted") && countedByVoter.containsKey(voterKey);
                if (!repeatOfCounted) {
                    lost++;
                }
            }
            if (outcome.kind() == Kind.ALREADY_VOTED && !countedByVoter.containsKey(voterKey)) {
                lost++;
            }
        }

        long phantom = 0;
        for (Row row : rows) {
            String key = row.pollId() + "/" + row.voter();
            if (!told.contains(row.voteId()) && !unclear.contains(key + "/" + row.candidateId())) {
                phantom++;
            }
        }

        long doubleCounted = duplicateVoters;
        Set<Long> candidates = new HashSet<>(pgCounts.keySet());
        candidates.addAll(rowCounts.keySet());
        long redisMismatch = 0;
        for (Long candidate : candidates) {
            long pg = pgCounts.getOrDefault(candidate, 0L);
            doubleCounted += Math.abs(pg - rowCounts.getOrDefault(candidate, 0L));
            if (redisCounts.getOrDefault(candidate, -1L) != pg) {
                redisMismatch++;
            }
        }
        return new Verdict(attempts, retries, accepted, rows.size(), lost, phantom, doubleCounted, redisMismatch, dlq,
                unexpectedDeadLetters, faults, unavailable, unavailableWithoutRetryAfter, outcomeUnknown, otherServerErrors,
                unresolved, Map.copyOf(byKind), Truth.of(outcomes, rows, rejected, closedAt, deadLettered));
    }

    /**
     * What every chaos run must show, whatever its faults: each unclear outcome resolved, each 503 with
     * {@code Retry-After}, nothing lost, phantom or counted twice, Redis level with PostgreSQL, every
     * answer true for its voter ({@code truth.log} names the untrue ones).
     */
    List<Executable> exactlyOnce() {
        return List.of(
                () -> assertEquals(0, unresolved, "every unclear outcome got a definite answer on retry"),
                () -> assertEquals(0, unavailableWithoutRetryAfter, "every 503 carries Retry-After"),
                () -> assertEquals(0, lost, "lost"),
                () -> assertEquals(0, phantom, "phantom"),
                () -> assertEquals(0, doubleCounted, "double counted"),
                () -> assertEquals(0, redisMismatch, "Redis differs from PostgreSQL"),
                () -> assertEquals(0, truth.acceptedNotCounted(), "202s whose vote is not counted"),
                () -> assertEquals(0, truth.notRecordedCounted(), "'not recorded' 503s whose vote is counted"),
                () -> assertEquals(0, truth.alreadyVotedWrong(), "409 already_voted not naming the counted vote"),
                () -> assertEquals(0, truth.closedEarly(), "poll_closed only after the close"));
    }

    String line() {
        return "chaos: attempts=" + attempts + " retries=" + retries + " accepted=" + accepted + " counted=" + counted
                + " lost=" + lost + " phantom=" + phantom + " double_counted=" + doubleCounted
                + " redis_mismatch=" + redisMismatch + " dlq=" + dlq + " faults=" + faults + " " + truth.line()
                + " (already_voted=" + byKind.getOrDefault(Kind.ALREADY_VOTED, 0L)
                + " rate_limited=" + byKind.getOrDefault(Kind.RATE_LIMITED, 0L)
                + " refused=" + byKind.getOrDefault(Kind.REFUSED, 0L)
                + " unknown=" + byKind.getOrDefault(Kind.UNKNOWN, 0L) + " of which 503=" + unavailable
                + " outcome_unknown=" + outcomeUnknown + " other_5xx=" + otherServerErrors
                + " poll_closed=" + truth.pollClosed() + " closed_early=" + truth.closedEarly()
                + " unresolved=" + unresolved + ")";
    }
}
