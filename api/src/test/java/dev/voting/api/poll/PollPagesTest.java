package dev.voting.api.poll;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** GET /polls is cached like a poll: once per TTL and page, again after a local change. */
class PollPagesTest {
    private static final Duration TTL = Duration.ofSeconds(2);
    private static final Instant T0 = Instant.parse("2030-01-31T12:00:00Z");
    private final AtomicInteger queries = new AtomicInteger();
    private final AtomicLong changes = new AtomicLong();
    private final Poll closing = new Poll(2, "Closing", T0, T0.plusSeconds(1), List.of());
    private final Poll open = new Poll(1, "Open", T0, null, List.of());
    private final PollPages pages = new PollPages((openOnly, now, cursor, rows) -> {
        queries.incrementAndGet();
        return List.of(closing, open);
    }, 201, TTL, changes::get);

    @Test
    void aPageCostsOneQueryPerTtl() {
        pages.newest(false, null, T0);
        pages.newest(false, null, T0.plus(TTL).minusMillis(1));
        assertEquals(1, queries.get());
        pages.newest(false, null, T0.plus(TTL));
        assertEquals(2, queries.get(), "re-read at the TTL");
    }

    @Test
    void aChangeInThisProcessIsListedAtOnce() {
        pages.newest(false, null, T0);
        changes.incrementAndGet();
        pages.newest(false, null, T0);
        assertEquals(2, queries.get());
    }

    @Test
    void aPollThatClosedSinceItsPageWasReadIsNoLongerListedAsOpen() {
        assertEquals(List.of(closing, open), pages.newest(true, null, T0));
        assertEquals(List.of(open), pages.newest(true, null, T0.plusSeconds(1)));
        assertEquals(1, queries.get());
    }

    @Test
    void madeUpCursorsKeepOnlyAFewPages() {
        for (long cursor = 1; cursor <= 100; cursor++) {
            pages.newest(false, cursor, T0);
        }
        int afterFlood = queries.get();
        pages.newest(false, 100L, T0);
        assertEquals(afterFlood, queries.get(), "the newest pages are kept");
        pages.newest(false, 1L, T0);
        assertEquals(afterFlood + 1, queries.get(), "the oldest were forgotten");
    }
}
