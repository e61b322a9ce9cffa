package dev.voting.api.vote;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The confirm table on a hand-driven clock: every way out settles each vote once and gives its permit back once. */
class UnconfirmedTest {
    private static final long TIMEOUT = Duration.ofSeconds(5).toNanos();

    private long now = 1_000_000_000L;
    private final List<Integer> confirmedSizes = new ArrayList<>();
    private final Unconfirmed table = new Unconfirmed(2, (votes, nanos) -> confirmedSizes.add(votes), () -> now);

    private Unconfirmed.Pending vote() {
        return new Unconfirmed.Pending("{}", new CompletableFuture<>(), now);
    }

    private List<Unconfirmed.Pending> written(long sequence, int votes) throws InterruptedException {
        assertTrue(table.reserve(0), "a permit for message " + sequence);
        List<Unconfirmed.Pending> batch = new ArrayList<>();
        for (int i = 0; i < votes; i++) {
            batch.add(vote());
        }
        table.written(sequence, batch);
        return batch;
    }

    private static PublishFailure failure(Unconfirmed.Pending vote) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> vote.confirmed().get());
        return assertInstanceOf(PublishFailure.class, e.getCause());
    }

    @Test
    void permitsBoundTheMessagesAwaitingAConfirmAndComeBackWithIt() throws Exception {
        List<Unconfirmed.Pending> first = written(1, 3);
        written(2, 1);
        assertFalse(table.reserve(0), "two messages await their confirm: no third");

        table.settle(1, false, null);

        assertNull(first.getFirst().confirmed().get());
        assertEquals(List.of(3), confirmedSizes);
        assertTrue(table.reserve(0), "the confirm gave its permit back");
    }

    @Test
    void aMultipleAckSettlesEverySequenceUpToIt() throws Exception {
        List<Unconfirmed.Pending> first = written(1, 1);
        List<Unconfirmed.Pending> second = written(2, 2);

        table.settle(2, true, null);

        assertNull(first.getFirst().confirmed().get());
        assertNull(second.getLast().confirmed().get());
        assertTrue(table.isEmpty());
        assertTrue(table.reserve(0) && table.reserve(0), "both permits are back");
    }

    @Test
    void aReturnedMessageFailsAsNeverQueuedWhenItsAckArrives() throws Exception {
        List<Unconfirmed.Pending> batch = written(7, 1);
        table.returned(7);
        table.settle(7, false, null);
        assertFalse(failure(batch.getFirst()).mayBeQueued());
        assertEquals(List.of(), confirmedSizes);
    }

    @Test
    void aMessageIsOverdueOnlyOnceItsOldestVoteWaitedLongerThanTheTimeout() throws Exception {
        List<Unconfirmed.Pending> batch = written(1, 2);
        PublishFailure late = PublishFailure.unconfirmed("late");

        now += TIMEOUT;
        assertEquals(0, table.expire(TIMEOUT, late), "exactly the timeout is not past it");
        assertFalse(batch.getFirst().confirmed().isDone(), "exactly the timeout is not past it");

        now += 1;
        assertEquals(1, table.expire(TIMEOUT, late), "one message expired: the lane gives its connection up");
        assertTrue(failure(batch.getFirst()).mayBeQueued(), "a confirm may still come: in doubt, not refused");
        assertTrue(table.reserve(0) && table.reserve(0), "the expired message gave its permit back");

        table.settle(1, false, null);  // the late confirm finds nothing to settle
        assertEquals(List.of(), confirmedSizes);
    }

    @Test
    void aDeadChannelLeavesEveryUnconfirmedVoteInDoubtAndEveryPermitFree() throws Exception {
        List<Unconfirmed.Pending> one = written(1, 1);
        List<Unconfirmed.Pending> two = written(2, 1);

        table.abandon(PublishFailure.unconfirmed("channel closed"));

        assertTrue(failure(one.getFirst()).mayBeQueued());
        assertTrue(failure(two.getFirst()).mayBeQueued());
        assertTrue(table.reserve(0) && table.reserve(0));
    }

    @Test
    void aFailedWriteIsSettledOnceEvenWhenTheChannelsDeathGotThereFirst() throws Exception {
        List<Unconfirmed.Pending> batch = written(3, 1);
        table.abandon(PublishFailure.unconfirmed("channel closed"));

        assertFalse(table.fail(3, PublishFailure.unconfirmed("write failed")), "already settled");
        assertEquals("channel closed", failure(batch.getFirst()).getMessage());
        assertTrue(table.reserve(0) && table.reserve(0));
        assertFalse(table.reserve(0), "no permit was given back twice");
    }

    @Test
    void aNackRefusesTheVotes() throws Exception {
        List<Unconfirmed.Pending> batch = written(1, 1);
        table.settle(1, false, PublishFailure.notQueued("refused"));
        assertFalse(failure(batch.getFirst()).mayBeQueued());
    }
}
