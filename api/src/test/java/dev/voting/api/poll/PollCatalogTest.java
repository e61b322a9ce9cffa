package dev.voting.api.poll;

import dev.voting.shared.lifecycle.Dependency;
import dev.voting.shared.lifecycle.UnavailableException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The open/closed decision and when a cached poll may judge a vote, on a hand-driven clock. */
class PollCatalogTest {
    private static final Duration TTL = Duration.ofSeconds(2);
    private static final Duration DELAY = Duration.ofSeconds(5);
    private static final Duration SKEW = Duration.ofSeconds(1);
    private static final Instant T0 = Instant.parse("2030-01-31T12:00:00Z");
    private static final int MAX_UNKNOWN = 3;

    /** A clock the test moves by hand. */
    private static final class FakeClock extends Clock {
        private volatile Instant now;

        FakeClock(Instant start) {
            now = start;
        }

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    /** What PostgreSQL answers: the poll as it is, or an outage. */
    private static final class Database implements LongFunction<Optional<Poll>> {
        private final AtomicReference<Poll> poll = new AtomicReference<>();
        private volatile boolean away;
        private final AtomicInteger reads = new AtomicInteger();

        @Override
        public Optional<Poll> apply(long id) {
            reads.incrementAndGet();
            if (away) {
                throw new UnavailableException(Dependency.POSTGRESQL, "connection refused", null);
            }
            return Optional.ofNullable(poll.get());
        }
    }

    /** A thread per vote: the common pool may have one thread on a small machine, which would run the votes one by one. */
    private final ExecutorService voters = Executors.newVirtualThreadPerTaskExecutor();
    private final FakeClock clock = new FakeClock(T0);
    private final Database database = new Database();
    private final PollCatalog catalog = new PollCatalog(database, TTL, DELAY, SKEW, MAX_UNKNOWN, clock);

    private static Poll poll(Instant closesAt) {
        return new Poll(7, "Lunch", T0.minusSeconds(60), closesAt, List.of(new Candidate(1, "Pizza"), new Candidate(2, "Sushi")));
    }

    @Test
    void aPollIsOpenStrictlyBeforeItsCloseTimeAsTheWorkerCountsIt() {
        Instant closesAt = T0.plus(DELAY);
        Poll poll = poll(closesAt);
        assertTrue(poll.isOpenAt(closesAt.minusNanos(1000)), "a vote stamped a microsecond before is counted");
        assertFalse(poll.isOpenAt(closesAt), "the worker counts accepted_at < close time only");
        assertEquals("open", poll.statusAt(closesAt.minusMillis(1)));
        assertEquals("closed", poll.statusAt(closesAt));
        assertEquals("closed", poll.shownAt(closesAt).status());
        assertEquals(closesAt, poll.shownAt(T0).closesAt(), "the poll shows when it closes while still open");
        assertEquals("open", poll(null).statusAt(Instant.MAX), "no close time: open until an admin closes it");
    }

    @Test
    void unknownIdsAreRememberedForTheTtlAndOnlyTheNewestFew() {
        for (long id = 101; id <= 110; id++) {
            assertEquals(Optional.empty(), catalog.findForVote(id, clock.instant()));  // no such poll
        }
        assertEquals(MAX_UNKNOWN, catalog.unknownCount(), "a flood of made-up ids keeps only the newest");
        int reads = database.reads.get();
        catalog.findForVote(110, clock.instant());
        assertEquals(reads, database.reads.get(), "a remembered miss costs no read");
        catalog.findForVote(101, clock.instant());
        assertEquals(reads + 1, database.reads.get(), "a forgotten one is read again");

        clock.set(T0.plus(TTL));
        catalog.findForVote(110, clock.instant());
        assertEquals(reads + 2, database.reads.get(), "a miss is believed for the TTL only");
        assertEquals(0, catalog.knownCount(), "misses never take a poll's place");
    }

    @Test
    void aPollCreatedAfterItsIdWasMissedIsFoundWithinTheTtl() {
        assertEquals(Optional.empty(), catalog.find(7));
        database.poll.set(poll(null));  // created by another API process
        clock.set(T0.plus(TTL).minusMillis(1));
        assertEquals(Optional.empty(), catalog.find(7), "the miss stands for the TTL, as a cached poll would");
        clock.set(T0.plus(TTL));
        assertEquals(Optional.of(poll(null)), catalog.findForVote(7, clock.instant()));
        assertEquals(0, catalog.unknownCount());
    }

    @Test
    void aPollThisProcessCreatesReplacesItsMissAtOnce() {
        assertEquals(Optional.empty(), catalog.find(7));
        long changes = catalog.changes();
        catalog.remember(poll(null), clock.instant());
        assertEquals(Optional.of(poll(null)), catalog.find(7));
        assertEquals(changes + 1, catalog.changes(), "lists of polls cached before are stale now");
    }

    @Test
    void aStaleEntryIsReReadWhileAFreshOneCostsNothing() {
        database.poll.set(poll(null));
        catalog.find(7);
        clock.set(T0.plus(TTL).minusMillis(1));
        catalog.findForVote(7, clock.instant());
        assertEquals(1, database.reads.get(), "younger than the TTL: served from memory");

        database.poll.set(poll(T0.plus(TTL).plus(DELAY)));
        clock.set(T0.plus(TTL));
        assertEquals(Optional.of(poll(T0.plus(TTL).plus(DELAY))), catalog.findForVote(7, clock.instant()), "re-read at the TTL");
        assertEquals(2, database.reads.get());
    }

    @Test
    void aVoteIsNotJudgedByAnEntryThatMayHaveMissedAClose() {
        database.poll.set(poll(null));
        catalog.find(7);
        database.away = true;
        Instant distrusted = T0.plus(DELAY).minus(SKEW);

        clock.set(distrusted.minusMillis(1));
        assertEquals(Optional.of(poll(null)), catalog.findForVote(7, clock.instant()),
                "PostgreSQL away, but no close could be in force yet: the last copy judges the vote");
        clock.set(distrusted);
        UnavailableException refused = assertThrows(UnavailableException.class, () -> catalog.findForVote(7, clock.instant()));
        assertEquals(Dependency.POSTGRESQL, refused.dependency(), "503 with Retry-After, not a 202 the worker may reject");
        assertEquals(Optional.of(poll(null)), catalog.find(7), "showing the poll still works from the last copy");

        database.away = false;
        database.poll.set(poll(T0.plusSeconds(1).plus(DELAY)));
        assertEquals(Optional.of(poll(T0.plusSeconds(1).plus(DELAY))), catalog.findForVote(7, clock.instant()),
                "once PostgreSQL answers, votes are judged by the close it shows");
    }

    /**
     * The worst case the rule covers: this process's clock runs {@code SKEW} ahead of PostgreSQL's, it
     * read the poll just before a close was recorded, and PostgreSQL is away from then on. Every vote it
     * still judges open is stamped before the close time the worker compares it with.
     */
    @Test
    void noVoteJudgedOpenIsStampedAtOrAfterAMissedClose() {
        Instant readAt = T0.plus(SKEW);                      // this clock at PostgreSQL's T0
        database.poll.set(poll(null));
        clock.set(readAt);
        catalog.find(7);
        Instant closeTime = T0.plusMillis(1).plus(DELAY);    // recorded a millisecond later, by PostgreSQL's clock
        database.away = true;

        Instant lastOpen = null;
        for (Instant now = readAt; now.isBefore(readAt.plus(DELAY).plus(SKEW)); now = now.plusMillis(1)) {
            clock.set(now);
            Optional<Poll> seen;
            try {
                seen = catalog.findForVote(7, now);
            } catch (UnavailableException e) {
                continue;
            }
            if (seen.orElseThrow().isOpenAt(now)) {
                lastOpen = now;
            }
        }
        assertEquals(readAt.plus(DELAY).minus(SKEW).minusMillis(1), lastOpen, "the last vote judged open");
        assertTrue(lastOpen.isBefore(closeTime), "and the worker counts it: " + lastOpen + " < " + closeTime);
    }

    @Test
    void aVoteThatCannotTrustTheCopyWaitsForTheReReadUnderWay() throws Exception {
        CountDownLatch rereading = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        AtomicInteger reads = new AtomicInteger();
        Poll closing = poll(T0.plus(DELAY).plus(DELAY));
        PollCatalog hanging = new PollCatalog(id -> {
            if (reads.incrementAndGet() == 1) {
                return Optional.of(poll(null));
            }
            rereading.countDown();
            await(answer);  // PostgreSQL is slow to answer the re-read
            return database.apply(id);
        }, TTL, DELAY, SKEW, MAX_UNKNOWN, clock);
        hanging.find(7);
        clock.set(T0.plus(DELAY));
        database.poll.set(closing);

        CompletableFuture<Optional<Poll>> first = CompletableFuture.supplyAsync(() -> hanging.findForVote(7, clock.instant()), voters);
        assertTrue(rereading.await(5, TimeUnit.SECONDS));
        CompletableFuture<Optional<Poll>> second = CompletableFuture.supplyAsync(() -> hanging.findForVote(7, clock.instant()), voters);
        assertEquals(Optional.of(poll(null)), hanging.find(7), "showing the poll does not wait");
        Thread.sleep(50);
        assertFalse(second.isDone(), "a vote is not judged by the copy read " + DELAY.toSeconds() + " s ago");
        answer.countDown();
        assertEquals(Optional.of(closing), first.get(5, TimeUnit.SECONDS));
        assertEquals(Optional.of(closing), second.get(5, TimeUnit.SECONDS), "it is judged by the re-read");
        assertEquals(2, reads.get(), "one re-read for both");
    }

    @Test
    void aVoteWaitingForAReReadThatFailsIsRefused() throws Exception {
        CountDownLatch rereading = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        AtomicInteger reads = new AtomicInteger();
        PollCatalog failing = new PollCatalog(id -> {
            if (reads.incrementAndGet() == 1) {
                return Optional.of(poll(null));
            }
            rereading.countDown();
            await(answer);
            throw new UnavailableException(Dependency.POSTGRESQL, "connection timed out", null);
        }, TTL, DELAY, SKEW, MAX_UNKNOWN, clock);
        failing.find(7);
        clock.set(T0.plus(DELAY));

        CompletableFuture<Optional<Poll>> first = CompletableFuture.supplyAsync(() -> failing.findForVote(7, clock.instant()), voters);
        assertTrue(rereading.await(5, TimeUnit.SECONDS));
        CompletableFuture<Optional<Poll>> second = CompletableFuture.supplyAsync(() -> failing.findForVote(7, clock.instant()), voters);
        answer.countDown();
        for (CompletableFuture<Optional<Poll>> vote : List.of(first, second)) {
            ExecutionException refused = assertThrows(ExecutionException.class, () -> vote.get(5, TimeUnit.SECONDS));
            assertTrue(refused.getCause() instanceof UnavailableException, "503, not a vote judged by a stale copy: " + refused);
        }
    }

    @Test
    void aSlowReadDoesNotPutOlderNewsBackOverACloseMadeMeanwhile() {
        Poll closing = poll(T0.plusSeconds(1).plus(DELAY));
        AtomicReference<PollCatalog> self = new AtomicReference<>();
        PollCatalog racing = new PollCatalog(id -> {
            clock.set(T0.plusSeconds(1));
            self.get().remember(closing, clock.instant());  // this process closes the poll while the read is under way
            return Optional.of(poll(null));
        }, TTL, DELAY, SKEW, MAX_UNKNOWN, clock);
        self.set(racing);
        assertEquals(Optional.of(closing), racing.find(7), "the read began before the close: its answer is older");
        assertEquals(Optional.of(closing), racing.findForVote(7, clock.instant()));
    }

    @AfterEach
    void stopVoters() {
        voters.shutdownNow();  // a failed test may leave a read hanging on its latch
        voters.close();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
