package dev.voting.worker;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BatchCollectorTest {
    private static final long MS = 1_000_000;

    /**
     * A hand-written clock and source: items arrive at set instants, a poll returns the next one that
     * arrives within its timeout (moving the clock to its arrival), and a poll that finds none moves
     * the clock on by its whole timeout, as a real wait would.
     */
    private static final class Arrivals implements BatchCollector.Source<Integer> {
        private record Arrival(long at, int item) {
        }

        private final Deque<Arrival> pending = new ArrayDeque<>();
        private final List<Long> timeouts = new ArrayList<>();
        private long now;

        Arrivals at(long millis, int... items) {
            for (int item : items) {
                pending.add(new Arrival(millis * MS, item));
            }
            return this;
        }

        @Override
        public Integer poll(long timeoutNanos) {
            timeouts.add(timeoutNanos / MS);
            Arrival next = pending.peek();
            if (next != null && next.at() <= now + timeoutNanos) {
                pending.remove();
                now = Math.max(now, next.at());
                return next.item();
            }
            now += timeoutNanos;
            return null;
        }

        long nowMillis() {
            return now / MS;
        }
    }

    private final Arrivals arrivals = new Arrivals();

    /** Items weigh what they say: a message carrying n votes weighs n. */
    private BatchCollector<Integer> collector(int maxWeight, long maxWaitMillis, long idleWaitMillis) {
        return new BatchCollector<>(arrivals, Integer::intValue,
                new BatchCollector.Limits(maxWeight, Duration.ofMillis(maxWaitMillis), Duration.ofMillis(idleWaitMillis)),
                () -> arrivals.now);
    }

    @Test
    void nothingArrivingGivesAnEmptyBatchAfterTheIdleWait() throws Exception {
        assertEquals(List.of(), collector(10, 5, 20).next());
        assertEquals(List.of(20L), arrivals.timeouts);
        assertEquals(20, arrivals.nowMillis());
    }

    @Test
    void aBatchStopsOnceItWeighsEnoughWithoutWaiting() throws Exception {
        arrivals.at(0, 3, 3, 3, 3, 3);
        BatchCollector<Integer> collector = collector(7, 100, 20);
        assertEquals(List.of(3, 3, 3), collector.next(), "the item that crosses the limit is the last one");
        assertEquals(0, arrivals.nowMillis(), "a full batch goes at once");
        assertEquals(List.of(3, 3), collector.next(), "the rest waits for the next batch");
        assertEquals(100, arrivals.nowMillis(), "a batch not full waits out its maximum wait");
    }

    @Test
    void theBatchClosesAtTheMaximumWaitCountedFromItsFirstItem() throws Exception {
        arrivals.at(50, 1).at(100, 2).at(351, 4);
        BatchCollector<Integer> collector = collector(1_000, 300, 200);
        assertEquals(List.of(1, 2), collector.next(), "an item arriving within the wait joins");
        assertEquals(350, arrivals.nowMillis(), "closed 300 ms after the first item, not after the call");
        assertEquals(List.of(200L, 300L, 250L), arrivals.timeouts, "each wait is what is left until the deadline");
        assertEquals(List.of(4), collector.next(), "an item arriving after the deadline starts the next batch");
    }

    @Test
    void withNoMaximumWaitABatchTakesOnlyWhatHasArrivedAlready() throws Exception {
        arrivals.at(0, 1, 2).at(1, 3);
        assertEquals(List.of(1, 2), collector(1_000, 0, 20).next());
        assertEquals(List.of(20L, 0L, 0L), arrivals.timeouts);
        assertEquals(0, arrivals.nowMillis());
    }
}
