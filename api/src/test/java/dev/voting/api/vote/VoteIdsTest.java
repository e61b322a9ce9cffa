package dev.voting.api.vote;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VoteIdsTest {
    @Test
    void idsAreVersionSevenCarryTheirTimeAndSortByIt() {
        Instant first = Instant.parse("2026-11-29T12:00:00.001Z");
        UUID early = new VoteIds(Clock.fixed(first, ZoneOffset.UTC)).next();
        UUID late = new VoteIds(Clock.fixed(first.plusMillis(1), ZoneOffset.UTC)).next();
        assertEquals(7, early.version());
        assertEquals(2, early.variant());
        assertEquals(first.toEpochMilli(), early.getMostSignificantBits() >>> 16);
        assertTrue(early.toString().compareTo(late.toString()) < 0, "later ids sort after earlier ones");
    }

    @Test
    void idsOfTheSameMillisecondDiffer() {
        VoteIds ids = new VoteIds(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
        Set<UUID> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            seen.add(ids.next());
        }
        assertEquals(10_000, seen.size());
    }
}
