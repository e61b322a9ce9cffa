package dev.voting.shared.redis;

import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Many calls of one Lua script in one pipeline, sent and answered on the caller's thread: Redis then
 * reads and answers them in one system call each way instead of one per call. Every call's reply
 * completes: with the script's reply, with the error reply of that call alone (a
 * {@link JedisDataException}: that script stopped at the error), with {@link ScriptNotRunException}
 * when nothing was sent, or with the failure of the whole pipeline, which leaves open whether it ran.
 */
public final class ScriptPipeline {
    /** One call; {@code reply} completes when its pipeline is answered or failed. */
    public record Call(List<String> keys, List<String> args, CompletableFuture<Object> reply) {
    }

    private final UnifiedJedis redis;
    private final LuaScript script;

    public ScriptPipeline(UnifiedJedis redis, LuaScript script) {
        this.redis = redis;
        this.script = script;
    }

    /** Runs the calls in one round trip and completes each call's reply; never throws. */
    public void run(List<Call> batch) {
        try {
            send(batch);
        } catch (JedisNoScriptException e) {
            // Redis restarted or flushed its scripts: teach it again, once, and resend.
            try {
                script.load(redis);
                send(batch);
            } catch (RuntimeException again) {
                batch.forEach(call -> call.reply().completeExceptionally(again));
            }
        } catch (RuntimeException e) {
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
}
