package dev.voting.worker;

import dev.voting.shared.config.Config;

import java.time.Duration;

/** Where a lane consumes from, how many deliveries it may hold unacked, and how it batches them. */
record LaneSettings(String queue, int prefetch, BatchCollector.Limits batch) {
    /** How long a lane waits for a first delivery before it looks up (is it stopping, is its channel open). */
    private static final Duration IDLE_WAIT = Duration.ofMillis(200);

    static LaneSettings of(Config.Rabbit rabbit, Config.Worker worker) {
        return new LaneSettings(rabbit.queue(), worker.prefetch(),
                new BatchCollector.Limits(worker.batchSize(), worker.batchMaxWait(), IDLE_WAIT));
    }
}
