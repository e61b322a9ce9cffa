package dev.voting.shared.redis;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Runs one Lua script for many threads, their calls grouped into pipelines: while one pipeline is
 * on the wire, the calls that arrive wait and go together in the next. Redis then reads and
 * answers many scripts per system call instead of one, which is most of its cost per call.
 *
 * <p>Every call's future completes, so callers wait without a timer of their own (a timed wait per
 * call costs a timer per call on virtual threads): within the Redis client's timeouts for the
 * pipeline it rides in, and a call that waited longer than {@code maxQueueWait} for its pipeline
 * fails unsent ({@link QueuedCalls}). A call that certainly did not run fails with {@link ScriptNotRunException}; any other
 * failure leaves open whether it ran.
 */
public final class PipelinedScript implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PipelinedScript.class);
    private static final String SHUTTING_DOWN = "shutting down";

    private final ScriptPipeline pipeline;
    private final int maxBatch;
    private final QueuedCalls queue;
    private final Thread flusher;
    private volatile boolean running = true;

    public PipelinedScript(UnifiedJedis redis, LuaScript script, int maxBatch, Duration maxQueueWait, String name) {
        this.pipeline = new ScriptPipeline(redis, script);
        this.maxBatch = maxBatch;
        this.queue = new QueuedCalls(maxQueueWait, System::nanoTime);
        // A platform thread: its timed waits and socket reads then cost no virtual-thread timer each.
        this.flusher = Thread.ofPlatform().name(name).daemon().start(this::run);
    }

    /** The script's reply; fails with the JedisException of the pipeline or of this call. */
    public CompletableFuture<Object> call(List<String> keys, List<String> args) {
        if (!running) {
            return CompletableFuture.failedFuture(shuttingDown());
        }
        CompletableFuture<Object> reply = queue.add(keys, args);
        if (!running) {
            queue.failAll(SHUTTING_DOWN);  // closed while this call was added
        }
        return reply;
    }

    private void run() {
        while (running || !queue.isEmpty()) {
            List<QueuedCalls.Call> batch = List.of();
            try {
                batch = queue.next(maxBatch, 100);
                if (!batch.isEmpty()) {
                    flush(batch);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.error("pipelined script failed unexpectedly", e);
                batch.forEach(call -> call.reply().completeExceptionally(e));
            }
        }
        queue.failAll(SHUTTING_DOWN);
    }

    private static JedisException shuttingDown() {
        return new ScriptNotRunException(SHUTTING_DOWN, null);
    }

    private void flush(List<QueuedCalls.Call> batch) {
        pipeline.run(batch.stream().map(call -> new ScriptPipeline.Call(call.keys(), call.args(), call.reply())).toList());
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        flusher.join(2_000);
        queue.failAll(SHUTTING_DOWN);  // whatever the flusher left, should it still be stuck
    }
}
