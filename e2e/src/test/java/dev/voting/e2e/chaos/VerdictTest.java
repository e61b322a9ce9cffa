package dev.voting.e2e.chaos;

import dev.voting.e2e.chaos.LoadGenerator.Attempt;
import dev.voting.e2e.chaos.LoadGenerator.Kind;
import dev.voting.e2e.chaos.LoadGenerator.Outcome;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The chaos suite's accounting, on hand-made ledgers: each kind of error is seen, and only it. */
class VerdictTest {
    private static final long POLL = 1;
    private static final long CANDIDATE = 10;

    private static Outcome outcome(String voter, Kind kind, UUID voteId, boolean retry) {
        int status = switch (kind) {
            case ACCEPTED -> 202;
            case ALREADY_VOTED -> 409;
            case UNKNOWN -> 503;
            default -> 400;
        };
        return new Outcome(new Attempt(POLL, voter, CANDIDATE), kind, status, voteId, retry, true);
    }

    private static Verdict.Row row(UUID id, String voter) {
        return new Verdict.Row(id, POLL, CANDIDATE, voter);
    }

    private static Verdict judge(List<Outcome> outcomes, List<Verdict.Row> rows, List<Verdict.Rejected> rejected,
                                 long pgCount, long redisCount) {
        return Verdict.of(outcomes.size(), outcomes, rows, rejected, Map.of(CANDIDATE, pgCount),
                Map.of(CANDIDATE, (long) rows.size()), Map.of(CANDIDATE, redisCount), 0, 0, 10, 0);
    }

    @Test
    void aCleanRunIsAllZeros() {
        UUID a = UUID.randomUUID();
        UUID repeat = UUID.randomUUID();
        UUID unclear = UUID.randomUUID();
        Verdict verdict = judge(List.of(
                        outcome("ann", Kind.ACCEPTED, a, false),
                        outcome("ann", Kind.ALREADY_VOTED, a, false),
                        // accepted while Redis was away, then recognised by PostgreSQL as ann's repeat
                        outcome("ann", Kind.ACCEPTED, repeat, false),
                        // a reset whose vote was counted, then a retry told "already voted"
                        outcome("bob", Kind.UNKNOWN, null, false),
                        outcome("bob", Kind.ALREADY_VOTED, unclear, true)),
                List.of(row(a, "ann"), row(unclear, "bob")),
                List.of(new Verdict.Rejected(repeat, "ann", "already_voted")), 2, 2);
        assertEquals(List.of(0L, 0L, 0L, 0L), List.of(verdict.lost(), verdict.phantom(), verdict.doubleCounted(), verdict.redisMismatch()));
        assertEquals(2, verdict.accepted());
        assertEquals(1, verdict.retries());
    }

    @Test
    void anAcceptedVoteMissingFromPostgresIsLost() {
        Verdict verdict = judge(List.of(outcome("cat", Kind.ACCEPTED, UUID.randomUUID(), false)), List.of(), List.of(), 0, 0);
        assertEquals(1, verdict.lost());
    }

    @Test
    void alreadyVotedWithNoCountedVoteIsLost() {
        Verdict verdict = judge(List.of(outcome("dan", Kind.ALREADY_VOTED, UUID.randomUUID(), false)), List.of(), List.of(), 0, 0);
        assertEquals(1, verdict.lost());
    }

    @Test
    void aCountedVoteNobodyCastIsPhantom() {
        Verdict verdict = judge(List.of(), List.of(row(UUID.randomUUID(), "eve")), List.of(), 1, 1);
        assertEquals(1, verdict.phantom());
    }

    @Test
    void countsAheadOfTheRowsAreDoubleCountedAndRedisBehindIsAMismatch() {
        UUID f = UUID.randomUUID();
        Verdict verdict = judge(List.of(outcome("fay", Kind.ACCEPTED, f, false)), List.of(row(f, "fay")), List.of(), 2, 1);
        assertEquals(1, verdict.doubleCounted());
        assertEquals(1, verdict.redisMismatch());
        assertEquals(0, verdict.lost());
    }
}
