package dev.voting.shared.redis;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Runs one Lua script for many threads, their calls grouped into pipelines: while one pipeline is
 * on the wire, the calls that arrive wait and go together in the next. Redis then reads and
 * answers many scripts per system call instead of one, which is most of its cost per call.
 *
 * <p>Every call's future completes, so callers wait without a timer of their own (a timed wait per
 * call costs a timer per call on virtual threads): within the Redis client's timeouts for the
 * pipeline it rides in, and a call that waited longer than {@code maxQueueWait} for its pipeline
 * fails unsent. A call that certainly did not run fails with {@link ScriptNotRunException}; any other
 * failure leaves open whether it ran.
 */
public final class PipelinedScript implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PipelinedScript.class);

    private record Call(List<String> keys, List<String> args, CompletableFuture<Object> reply, long queuedAt) {
    }

    private final UnifiedJedis redis;
    private final LuaScript script;
    private final int maxBatch;
    private final long maxQueueWaitNanos;
    private final BlockingQueue<Call> queue = new LinkedBlockingQueue<>();
    private final Thread flusher;
    private volatile boolean running = true;

    public PipelinedScript(UnifiedJedis redis, LuaScript script, int maxBatch, Duration maxQueueWait, String name) {
        this.redis = redis;
        this.script = script;
        this.maxBatch = maxBatch;
        this.maxQueueWaitNanos = maxQueueWait.toNanos();
        // A platform thread: its timed waits and socket reads then cost no virtual-thread timer each.
        this.flusher = Thread.ofPlatform().name(name).daemon().start(this::run);
    }

    /** The script's reply; fails with the JedisException of the pipeline or of this call. */
    public CompletableFuture<Object> call(List<String> keys, List<String> args) {
        CompletableFuture<Object> reply = new CompletableFuture<>();
        if (!running) {
            reply.completeExceptionally(shuttingDown());
        } else {
            queue.add(new Call(keys, args, reply, System.nanoTime()));
            if (!running) {
                failQueued();  // closed while this call was added
            }
        }
        return reply;
    }

    private void run() {
        List<Call> batch = new ArrayList<>(maxBatch);
        while (running || !queue.isEmpty()) {
            try {
                Call first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                failOverdue(batch);
                if (!batch.isEmpty()) {
                    flush(batch);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.error("pipelined script failed unexpectedly", e);
                batch.forEach(call -> call.reply().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
        failQueued();
    }

    /** Calls that waited past the bound behind a slow pipeline fail now rather than wait for another. */
    private void failOverdue(List<Call> batch) {
        long now = System.nanoTime();
        batch.removeIf(call -> {
            boolean overdue = now - call.queuedAt() > maxQueueWaitNanos;
            if (overdue) {
                call.reply().completeExceptionally(new ScriptNotRunException("Redis did not take the call within "
                        + Duration.ofNanos(maxQueueWaitNanos).toMillis() + " ms", null));
            }
            return overdue;
        });
    }

    private void failQueued() {
        List<Call> left = new ArrayList<>();
        queue.drainTo(left);
        left.forEach(call -> call.reply().completeExceptionally(shuttingDown()));
    }

    private static JedisException shuttingDown() {
        return new ScriptNotRunException("shutting down", null);
    }

    private void flush(List<Call> batch) {
        try {
            send(batch);
        } catch (JedisNoScriptException e) {
            // Redis restarted or flushed its scripts: teach it again, once, and resend.
            try {
                script.load(redis);
                send(batch);
            } catch (JedisException again) {
                batch.forEach(call -> call.reply().completeExceptionally(again));
            }
        } catch (JedisException e) {
            batch.forEach(call -> call.reply().completeExceptionally(e));
        }
    }

    private void send(List<Call> batch) {
        AbstractPipeline connected;
        try {
            connected = redis.pipelined();
        } catch (JedisException e) {
            throw new ScriptNotRunException("no Redis connection: " + e.getMessage(), e);
        }
        List<Response<Object>> responses = new ArrayList<>(batch.size());
        try (AbstractPipeline pipeline = connected) {
            for (Call call : batch) {
                responses.add(pipeline.evalsha(script.sha(), call.keys(), call.args()));
            }
            pipeline.sync();
        }
        for (int i = 0; i < batch.size(); i++) {
            try {
                batch.get(i).reply().complete(responses.get(i).get());
            } catch (JedisNoScriptException e) {
                throw e;
            } catch (JedisDataException e) {
                batch.get(i).reply().completeExceptionally(e);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        flusher.join(2_000);
        failQueued();  // whatever the flusher left, should it still be stuck
    }
}
