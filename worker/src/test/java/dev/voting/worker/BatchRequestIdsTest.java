package dev.voting.worker;

import dev.voting.shared.vote.Vote;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class BatchRequestIdsTest {

    private static Vote vote(String requestId) {
        return new Vote(UUID.randomUUID(), 1, 2, "voter-" + UUID.randomUUID(), Instant.EPOCH, null, requestId);
    }

    private static Inbound.Readable delivery(Vote... votes) {
        return new Inbound.Readable(1, List.of(votes));
    }

    @Test
    void batchNamesItsDistinctRequestsInOrder() {
        assertEquals("r1,r2,r3", BatchRequestIds.of(List.of(delivery(vote("r1"), vote("r2")), delivery(vote("r1"), vote("r3")))));
    }

    @Test
    void unsafeOrMissingIdsAreLeftOut() {
        assertEquals("ok", BatchRequestIds.of(List.of(delivery(vote(null), vote("bad\nid"), vote("ok")))));
        assertNull(BatchRequestIds.of(List.of(delivery(vote(null)))));
    }

    @Test
    void bigBatchListsItsFirstFewAndSaysThereAreMore() {
        List<Vote> votes = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            votes.add(vote("r" + i));
        }
        String listed = BatchRequestIds.of(List.of(delivery(votes.toArray(Vote[]::new))));
        assertEquals(BatchRequestIds.MAX_LISTED + 1, listed.split(",").length);
        assertEquals("r0", listed.split(",")[0]);
        assertEquals("…", listed.substring(listed.length() - 1));
    }
}
