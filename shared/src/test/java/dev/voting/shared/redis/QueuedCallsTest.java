package dev.voting.shared.redis;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QueuedCallsTest {
    private static final long MS = 1_000_000;

    /** The hand-written clock the queue reads: it moves only when a test says so. */
    private long now = 1_000 * MS;
    private final QueuedCalls queue = new QueuedCalls(Duration.ofMillis(25), () -> now);

    private CompletableFuture<Object> call(String key) {
        return queue.add(List.of(key), List.of());
    }

    private static List<String> keys(List<QueuedCalls.Call> batch) {
        return batch.stream().map(call -> call.keys().getFirst()).toList();
    }

    @Test
    void callsWithinTheBoundGoTogetherInTheNextPipeline() throws Exception {
        call("a");
        now += 10 * MS;
        call("b");
        now += 15 * MS;  // "a" has waited exactly the bound: still in time
        assertEquals(List.of("a", "b"), keys(queue.next(10, 0)));
    }

    @Test
    void aCallThatWaitedPastTheBoundFailsUnsentAndTheOthersGo() throws Exception {
        CompletableFuture<Object> overdue = call("old");
        now += 20 * MS;
        CompletableFuture<Object> fresh = call("new");
        now += 6 * MS;  // "old" has waited 26 ms behind a slow pipeline
        assertEquals(List.of("new"), keys(queue.next(10, 0)));
        ExecutionException failure = assertThrows(ExecutionException.class, overdue::get);
        assertInstanceOf(ScriptNotRunException.class, failure.getCause(), "it certainly did not run: the voter may be told so");
        assertTrue(failure.getCause().getMessage().contains("25 ms"), failure.getCause().getMessage());
        assertFalse(fresh.isDone(), "the fresh call waits for its pipeline's answer");
    }

    @Test
    void aPipelineTakesAtMostItsSizeAndTheRestWaitForTheNext() throws Exception {
        for (String key : List.of("a", "b", "c")) {
            call(key);
        }
        assertEquals(List.of("a", "b"), keys(queue.next(2, 0)));
        assertEquals(List.of("c"), keys(queue.next(2, 0)));
        assertEquals(List.of(), queue.next(2, 0), "nothing queued: an empty batch once the idle wait is over");
    }

    @Test
    void shuttingDownFailsEveryQueuedCallUnsent() {
        CompletableFuture<Object> queued = call("a");
        queue.failAll("shutting down");
        ExecutionException failure = assertThrows(ExecutionException.class, queued::get);
        assertInstanceOf(ScriptNotRunException.class, failure.getCause());
        assertTrue(queue.isEmpty());
    }
}
