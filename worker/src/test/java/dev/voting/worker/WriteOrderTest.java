package dev.voting.worker;

import dev.voting.shared.vote.Vote;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WriteOrderTest {
    private static Vote vote(long poll, String voter, String acceptedAt) {
        return new Vote(UUID.randomUUID(), poll, 1, voter, Instant.parse(acceptedAt), null, null);
    }

    @Test
    void votesAreWrittenByPollThenVoterThenAcceptance() {
        Vote b2 = vote(2, "bob", "2026-01-01T00:00:01Z");
        Vote a1Late = vote(1, "alice", "2026-01-01T00:00:09Z");
        Vote a1Early = vote(1, "alice", "2026-01-01T00:00:02Z");
        Vote c1 = vote(1, "carol", "2026-01-01T00:00:00Z");
        List<Vote> votes = new ArrayList<>(List.of(b2, a1Late, c1, a1Early));
        votes.sort(VoteWriter.WRITE_ORDER);
        // One global order of unique keys is what keeps concurrent workers from deadlocking, and
        // the earlier of two votes by one voter is the one inserted.
        assertEquals(List.of(a1Early, a1Late, c1, b2), votes);
    }

    @Test
    void theSameVoteDeliveredTwiceInOneBatchIsWrittenOnce() {
        Vote vote = vote(1, "alice", "2026-01-01T00:00:00Z");
        Vote other = vote(1, "bob", "2026-01-01T00:00:00Z");
        assertEquals(List.of(vote, other), VoteWriter.uniqueInWriteOrder(List.of(other, vote, vote)));
    }
}
