package dev.voting.e2e.chaos;

import dev.voting.e2e.chaos.LoadGenerator.Attempt;
import dev.voting.e2e.chaos.LoadGenerator.Kind;
import dev.voting.e2e.chaos.LoadGenerator.Outcome;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The chaos suite's accounting, on hand-made ledgers: each kind of error is seen, and only it. */
class VerdictTest {
    private static final long POLL = 1;
    private static final long CANDIDATE = 10;
    private static final long OTHER_CANDIDATE = 11;

    /** An answer as the load generator records it; a 409 {@code /problems/already_voted} names {@link #CANDIDATE}. */
    private static Outcome outcome(String voter, Kind kind, UUID voteId, boolean retry) {
        return switch (kind) {
            case ACCEPTED -> answer(voter, 202, null, voteId, null, retry);
            case ALREADY_VOTED -> answer(voter, 409, "/problems/already_voted", voteId, CANDIDATE, retry);
            case UNKNOWN -> answer(voter, 0, null, null, null, retry);  // timeout or reset
            case RATE_LIMITED -> answer(voter, 429, "/problems/rate_limited", null, null, retry);
            case REFUSED -> answer(voter, 422, "/problems/unknown_candidate", null, null, retry);
        };
    }

    private static Outcome answer(String voter, int status, String type, UUID voteId, Long candidateId, boolean retry) {
        return answerAt(voter, status, type, voteId, candidateId, retry, 0);
    }

    private static Outcome answerAt(String voter, int status, String type, UUID voteId, Long candidateId, boolean retry,
                                    long answeredAt) {
        return new Outcome(new Attempt(POLL, voter, CANDIDATE), LoadGenerator.kindOf(status, type), status, type, null, voteId,
                candidateId, retry, true, 1, answeredAt, answeredAt);
    }

    private static Verdict.Row row(UUID id, String voter) {
        return new Verdict.Row(id, POLL, CANDIDATE, voter);
    }

    private static Verdict judge(List<Outcome> outcomes, List<Verdict.Row> rows, List<Verdict.Rejected> rejected,
                                 long pgCount, long redisCount) {
        return judge(outcomes, rows, rejected, pgCount, redisCount, Map.of());
    }

    private static Verdict judge(List<Outcome> outcomes, List<Verdict.Row> rows, List<Verdict.Rejected> rejected,
                                 long pgCount, long redisCount, Map<Long, Long> closedAt) {
        return Verdict.of(outcomes.size(), outcomes, rows, rejected, Map.of(CANDIDATE, pgCount),
                Map.of(CANDIDATE, (long) rows.size()), Map.of(CANDIDATE, redisCount), 0, 0, 10, 0, closedAt, Set.of());
    }

    private static List<Long> truth(Verdict verdict) {
        return List.of(verdict.truth().acceptedNotCounted(), verdict.truth().notRecordedCounted(),
                verdict.truth().alreadyVotedWrong(), verdict.truth().closedEarly());
    }

    @Test
    void aCleanRunIsAllZeros() {
        UUID a = UUID.randomUUID();
        UUID unclear = UUID.randomUUID();
        UUID unknown = UUID.randomUUID();
        UUID retried = UUID.randomUUID();
        Verdict verdict = judge(List.of(
                        outcome("ann", Kind.ACCEPTED, a, false),
                        outcome("ann", Kind.ALREADY_VOTED, a, false),
                        // a reset whose vote was counted, then a retry told "already voted"
                        outcome("bob", Kind.UNKNOWN, null, false),
                        outcome("bob", Kind.ALREADY_VOTED, unclear, true),
                        // "outcome unknown" whose vote was counted, then the retry that settles it
                        answer("cy", 503, Truth.OUTCOME_UNKNOWN, unknown, null, false),
                        outcome("cy", Kind.ALREADY_VOTED, unknown, true),
                        // "not recorded", and it was not: the retry is counted
                        answer("di", 503, Truth.NOT_RECORDED, UUID.randomUUID(), null, false),
                        outcome("di", Kind.ACCEPTED, retried, true)),
                List.of(row(a, "ann"), row(unclear, "bob"), row(unknown, "cy"), row(retried, "di")),
                List.of(), 4, 4);
        assertEquals(List.of(0L, 0L, 0L, 0L), List.of(verdict.lost(), verdict.phantom(), verdict.doubleCounted(), verdict.redisMismatch()));
        assertEquals(List.of(0L, 0L, 0L, 0L), truth(verdict), () -> verdict.truth().violations().toString());
        assertEquals(2, verdict.accepted());
        assertEquals(3, verdict.retries());
        assertEquals(1, verdict.outcomeUnknown());
    }

    @Test
    void anAcceptedVoteMissingFromPostgresIsLost() {
        Verdict verdict = judge(List.of(outcome("cat", Kind.ACCEPTED, UUID.randomUUID(), false)), List.of(), List.of(), 0, 0);
        assertEquals(1, verdict.lost());
        assertEquals(1, verdict.truth().acceptedNotCounted());
    }

    @Test
    void anAcceptedVoteInTheDeadLetterQueueIsNotCountedAndSaysWhereItWent() {
        UUID dead = UUID.randomUUID();
        List<Outcome> outcomes = List.of(outcome("cal", Kind.ACCEPTED, dead, false));
        Verdict verdict = Verdict.of(1, outcomes, List.of(), List.of(), Map.of(CANDIDATE, 0L), Map.of(), Map.of(CANDIDATE, 0L),
                1, 1, 10, 0, Map.of(), Set.of(dead));
        assertEquals(1, verdict.truth().acceptedNotCounted());
        assertEquals("dead-lettered", verdict.truth().violations().getFirst().found());
    }

    @Test
    void alreadyVotedWithNoCountedVoteIsLost() {
        Verdict verdict = judge(List.of(outcome("dan", Kind.ALREADY_VOTED, UUID.randomUUID(), false)), List.of(), List.of(), 0, 0);
        assertEquals(1, verdict.lost());
        assertEquals(1, verdict.truth().alreadyVotedWrong());
    }

    @Test
    void aCountedVoteNobodyCastIsPhantom() {
        Verdict verdict = judge(List.of(), List.of(row(UUID.randomUUID(), "eve")), List.of(), 1, 1);
        assertEquals(1, verdict.phantom());
        assertEquals(List.of(0L, 0L, 0L, 0L), truth(verdict));
    }

    @Test
    void countsAheadOfTheRowsAreDoubleCountedAndRedisBehindIsAMismatch() {
        UUID f = UUID.randomUUID();
        Verdict verdict = judge(List.of(outcome("fay", Kind.ACCEPTED, f, false)), List.of(row(f, "fay")), List.of(), 2, 1);
        assertEquals(1, verdict.doubleCounted());
        assertEquals(1, verdict.redisMismatch());
        assertEquals(0, verdict.lost());
    }

    @Test
    void aRepeatAcceptedAndThenRefusedByTheWorkerIsNotLostButWasAnUntrueAnswer() {
        UUID first = UUID.randomUUID();
        UUID repeat = UUID.randomUUID();
        Verdict verdict = judge(List.of(
                        outcome("gus", Kind.ACCEPTED, first, false),
                        outcome("gus", Kind.ACCEPTED, repeat, false)),  // while Redis had lost gus's marker
                List.of(row(first, "gus")), List.of(new Verdict.Rejected(repeat, "gus", "already_voted")), 1, 1);
        assertEquals(0, verdict.lost());
        assertEquals(List.of(1L, 0L, 0L, 0L), truth(verdict));
        assertEquals("rejected: already_voted", verdict.truth().violations().getFirst().found());
    }

    @Test
    void anAcceptedVoteCountedForAnotherCandidateIsNotCounted() {
        UUID h = UUID.randomUUID();
        Verdict verdict = judge(List.of(outcome("hal", Kind.ACCEPTED, h, false)),
                List.of(new Verdict.Row(h, POLL, OTHER_CANDIDATE, "hal")), List.of(), 1, 1);
        assertEquals(1, verdict.truth().acceptedNotCounted());
    }

    @Test
    void notRecordedWhoseVoteIdIsCountedIsAnUntrueAnswer() {
        UUID i = UUID.randomUUID();
        Verdict verdict = judge(List.of(
                        answer("ida", 503, Truth.NOT_RECORDED, i, null, false),  // confirm timed out, the broker kept it
                        outcome("ida", Kind.ALREADY_VOTED, i, true)),
                List.of(row(i, "ida")), List.of(), 1, 1);
        assertEquals(List.of(0L, 0L, 0L, 0L), List.of(verdict.lost(), verdict.phantom(), verdict.doubleCounted(), verdict.redisMismatch()));
        assertEquals(List.of(0L, 1L, 0L, 0L), truth(verdict));
    }

    @Test
    void notRecordedWithoutVoteIdIsUntrueWhenOnlyItExplainsACountedVote() {
        UUID j = UUID.randomUUID();
        Verdict verdict = judge(List.of(
                        answer("jo", 503, Truth.NOT_RECORDED, null, null, false),
                        outcome("jo", Kind.ALREADY_VOTED, j, true)),
                List.of(row(j, "jo")), List.of(), 1, 1);
        assertEquals(List.of(0L, 1L, 0L, 0L), truth(verdict));
    }

    @Test
    void notRecordedWithoutVoteIdIsTrueWhenAnUnclearAttemptExplainsTheCountedVote() {
        UUID k = UUID.randomUUID();
        Verdict verdict = judge(List.of(
                        outcome("kim", Kind.UNKNOWN, null, false),
                        answer("kim", 503, Truth.NOT_RECORDED, null, null, true),
                        outcome("kim", Kind.ALREADY_VOTED, k, true)),
                List.of(row(k, "kim")), List.of(), 1, 1);
        assertEquals(List.of(0L, 0L, 0L, 0L), truth(verdict));
    }

    @Test
    void alreadyVotedNamingAnotherVoteOrCandidateIsWrong() {
        UUID counted = UUID.randomUUID();
        UUID lee = UUID.randomUUID();
        Verdict verdict = judge(List.of(
                        outcome("lee", Kind.ACCEPTED, lee, false),
                        outcome("lee", Kind.ALREADY_VOTED, UUID.randomUUID(), false),  // another id
                        answer("lee", 409, "/problems/already_voted", lee, OTHER_CANDIDATE, false),  // the right id, the wrong candidate
                        answer("lee", 409, "/problems/already_voted", lee, null, false),  // no candidate at all
                        outcome("max", Kind.UNKNOWN, null, false),
                        outcome("max", Kind.ALREADY_VOTED, counted, true)),
                List.of(row(lee, "lee"), row(counted, "max")), List.of(), 2, 2);
        assertEquals(0, verdict.lost());
        assertEquals(List.of(0L, 0L, 3L, 0L), truth(verdict));
    }

    @Test
    void pollClosedBeforeTheCloseWasSentIsEarly() {
        Verdict verdict = judge(List.of(
                        answerAt("ned", 409, "/problems/poll_closed", null, null, false, 100),
                        answerAt("ola", 409, "/problems/poll_closed", null, null, false, 300)),
                List.of(), List.of(), 0, 0, Map.of(POLL, 200L));
        assertEquals(2, verdict.truth().pollClosed());
        assertEquals(1, verdict.truth().closedEarly());
        assertEquals(1, judge(List.of(answerAt("pat", 409, "/problems/poll_closed", null, null, false, 300)), List.of(), List.of(), 0, 0)
                .truth().closedEarly(), "a poll never closed");
    }
}
