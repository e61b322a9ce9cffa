package dev.voting.loadtest.traffic;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TallyTest {
    @Test
    void answersAreKeptByPhaseKindAndStatusAndAddedUpInAll() {
        Tally tally = new Tally();
        tally.record("ramp", Tally.Kind.FIRST_VOTE, 202, 5, 1_000);
        tally.record("steady", Tally.Kind.FIRST_VOTE, 202, 7, 2_000);
        tally.record("steady", Tally.Kind.REPEAT_VOTE, 409, 3, 2_500);
        tally.record("steady", Tally.Kind.FIRST_VOTE, 0, 0, 3_000);
        tally.record("steady", Tally.Kind.RESULTS, 200, 1, 3_100);

        RunRecord record = tally.toRecord("VoteStorm", "http://x", 7, 100);

        assertEquals(List.of("ramp", "steady", RunRecord.ALL), record.phases().stream().map(RunRecord.Phase::name).toList());
        assertEquals(1, record.phase("ramp").count(Tally.Kind.FIRST_VOTE, 202));
        assertEquals(2, record.all().count(Tally.Kind.FIRST_VOTE, 202));
        assertEquals(1, record.all().count(Tally.Kind.FIRST_VOTE, 0));
        assertEquals(3, record.all().total(Tally.Kind.FIRST_VOTE));
        assertEquals(3, record.all().voteLatency().count(), "vote latency: answered votes only, no reads");
        assertEquals(995, record.firstRequestAt(), "the first answer minus its latency");
        assertEquals(3_100, record.lastAnswerAt());
    }
}
