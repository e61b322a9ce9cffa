package dev.voting.worker;

import dev.voting.shared.vote.Vote;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** The worker's meters, built once. */
final class WorkerMetrics {
    private final MeterRegistry registry;
    private final DistributionSummary batchSize;
    private final Timer batchLatency;
    private final Timer lag;
    private final Counter counted;
    private final Counter duplicates;
    private final Counter redeliveries;
    private final Counter deadLettered;
    private final Counter retries;

    WorkerMetrics(MeterRegistry registry) {
        this.registry = registry;
        batchSize = DistributionSummary.builder("worker.batch.size").baseUnit("votes")
                .description("Votes written per transaction").publishPercentileHistogram().register(registry);
        batchLatency = Timer.builder("worker.batch").description("Time to write a batch: transaction, Redis, acks")
                .publishPercentileHistogram().register(registry);
        lag = Timer.builder("worker.vote.lag").publishPercentileHistogram()
                .description("From the API's acceptance of a vote to its commit by a worker (the oldest counted vote of each batch)")
                .register(registry);
        counted = votes("counted");
        duplicates = votes("duplicate");
        redeliveries = Counter.builder("worker.redeliveries").description("Deliveries the broker had delivered before")
                .register(registry);
        deadLettered = Counter.builder("worker.dead.lettered").description("Messages sent to the dead-letter queue")
                .register(registry);
        retries = Counter.builder("worker.retries").description("Batch attempts retried after a dependency failed")
                .register(registry);
    }

    private Counter votes(String outcome) {
        return Counter.builder("worker.votes").tag("outcome", outcome).tag("reason", "")
                .description("Votes processed by outcome").register(registry);
    }

    void batch(BatchResult result, long nanos) {
        batchSize.record(result.counted().size() + result.rejected() + result.duplicates());
        batchLatency.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        Instant oldest = null;
        for (Vote vote : result.counted()) {
            if (oldest == null || vote.acceptedAt().isBefore(oldest)) {
                oldest = vote.acceptedAt();
            }
        }
        if (oldest != null) {  // the API's clock against the worker's: meaningful while they are synchronised (NTP)
            Duration behind = Duration.between(oldest, Instant.now());
            lag.record(behind.isNegative() ? Duration.ZERO : behind);
        }
        counted.increment(result.counted().size());
        duplicates.increment(result.duplicates());
        for (Map.Entry<String, Integer> rejected : result.rejectedByReason().entrySet()) {
            Counter.builder("worker.votes").tag("outcome", "rejected").tag("reason", rejected.getKey())
                    .description("Votes processed by outcome").register(registry).increment(rejected.getValue());
        }
    }

    void redelivered() {
        redeliveries.increment();
    }

    void deadLettered() {
        deadLettered.increment();
    }

    void retried() {
        retries.increment();
    }
}
