package dev.voting.worker;

import dev.voting.shared.config.Config;
import dev.voting.shared.config.Env;

import java.time.Duration;
import java.util.Map;

/**
 * The worker process's settings: the shared ones ({@link Config}) and its own, parsed and validated
 * once at start-up. It signs and verifies nothing, so it reads no JWT key.
 */
public record WorkerConfig(Config common, int metricsPort, int lanes, int prefetch, int batchSize, Duration batchMaxWait) {

    public static WorkerConfig fromEnvironment() {
        return from(System.getenv());
    }

    public static WorkerConfig from(Map<String, String> environment) {
        Env env = new Env(environment);
        Config common = Config.read(env);
        var config = new WorkerConfig(common,
                env.integer("WORKER_METRICS_PORT", 9100, 0, 65535),
                env.integer("WORKER_LANES", 2, 1, 64),
                env.integer("WORKER_PREFETCH", 500, 1, 65_535),
                env.integer("WORKER_BATCH_SIZE", 1_000, 1, 50_000),
                Duration.ofMillis(env.integer("WORKER_BATCH_MAX_WAIT_MS", 25, 0, 60_000)));
        env.throwIfInvalid();
        return config;
    }

    /** One line per setting, secrets masked: what the worker logs at start-up. */
    public String describe() {
        return common.describe("configuration:", "worker metricsPort=" + metricsPort + " lanes=" + lanes + " prefetch="
                + prefetch + " batchSize=" + batchSize + " batchMaxWait=" + batchMaxWait);
    }

    @Override
    public String toString() {
        return describe();
    }
}
