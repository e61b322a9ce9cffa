package dev.voting.worker;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchCollectorTest {
    private final BlockingQueue<Integer> queue = new LinkedBlockingQueue<>();

    /** Items weigh what they say: a message carrying n votes weighs n. */
    private BatchCollector<Integer> collector(int maxWeight, Duration maxWait) {
        return new BatchCollector<>(queue, Integer::intValue, maxWeight, maxWait, Duration.ofMillis(20));
    }

    @Test
    void nothingArrivingGivesAnEmptyBatch() throws Exception {
        assertEquals(List.of(), collector(10, Duration.ofMillis(5)).next());
    }

    @Test
    void batchStopsOnceItWeighsEnough() throws Exception {
        queue.addAll(List.of(3, 3, 3, 3, 3));
        BatchCollector<Integer> collector = collector(7, Duration.ofMillis(100));
        assertEquals(List.of(3, 3, 3), collector.next(), "the item that crosses the limit is the last one");
        assertEquals(List.of(3, 3), collector.next(), "the rest waits for the next batch");
    }

    @Test
    void lightTrafficIsWrittenAfterTheMaximumWait() throws Exception {
        queue.add(1);
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(5);
                queue.add(2);
                Thread.sleep(1_000);
                queue.add(4);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        List<Integer> batch = collector(1_000, Duration.ofMillis(300)).next();
        assertEquals(List.of(1, 2), batch, "an item arriving within the wait joins; one arriving after it does not");
        assertTrue(queue.isEmpty() || queue.peek() == 4);
    }
}
