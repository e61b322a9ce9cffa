package dev.voting.shared.redis;

import redis.clients.jedis.exceptions.JedisException;

/**
 * The script certainly did not run: no connection could be had. Unlike a failure after the call went
 * out, this leaves nothing behind in Redis.
 */
public final class ScriptNotRunException extends JedisException {
    public ScriptNotRunException(String message, Throwable cause) {
        super(message, cause);
    }
}
