package dev.voting.worker;

import dev.voting.shared.config.Config;

import java.time.Duration;

/** Where a lane consumes from (and dead-letters to), how many deliveries it may hold unacked, and how it batches them. */
record LaneSettings(Config.Rabbit topology, int prefetch, BatchCollector.Limits batch) {
    /** How long a lane waits for a first delivery before it looks up (is it stopping, is its channel open). */
    private static final Duration IDLE_WAIT = Duration.ofMillis(200);

    String queue() {
        return topology.queue();
    }

    static LaneSettings of(Config.Rabbit rabbit, WorkerConfig worker) {
        return new LaneSettings(rabbit, worker.prefetch(),
                new BatchCollector.Limits(worker.batchSize(), worker.batchMaxWait(), IDLE_WAIT));
    }
}
