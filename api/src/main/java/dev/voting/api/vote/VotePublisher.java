package dev.voting.api.vote;

import dev.voting.shared.amqp.ConnectionHolder;
import dev.voting.api.ApiConfig;
import dev.voting.shared.config.Config;
import dev.voting.shared.redis.ScriptPipeline;
import dev.voting.shared.vote.VoteCodec;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import redis.clients.jedis.UnifiedJedis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Publishes votes durably: a vote's future completes only when RabbitMQ has confirmed the
 * persistent message that carries it (G1). Concurrent votes are spread over a few channels
 * ({@link PublishLane}) and grouped under shared confirms, so that no request waits on another's
 * round trip and the broker sees far fewer messages than votes.
 */
public final class VotePublisher implements AutoCloseable {
    private final List<PublishLane> lanes = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicInteger next = new AtomicInteger();

    /** {@code redis} is where the lanes admit the votes they publish ({@link AdmissionScripts#ADMIT}). */
    public VotePublisher(ConnectionHolder connection, Config.Rabbit rabbit, ApiConfig.Votes votes, VoteCodec codec,
                         UnifiedJedis redis, MeterRegistry registry) {
        Timer confirmLatency = Timer.builder("votes.publish.confirm")
                .description("Time from publishing a message to the broker's confirm")
                .publishPercentileHistogram()
                .register(registry);
        DistributionSummary batchSize = DistributionSummary.builder("votes.publish.batch.size")
                .description("Votes carried by one confirmed message")
                .baseUnit("votes")
                .publishPercentileHistogram()
                .register(registry);
        Unconfirmed.Observer observer = (count, nanos) -> {
            confirmLatency.record(nanos, TimeUnit.NANOSECONDS);
            batchSize.record(count);
        };
        PublishLane.Destination destination = new PublishLane.Destination(connection, rabbit.queue());
        PublishLane.Limits limits = new PublishLane.Limits(votes.publishMaxBatch(), votes.confirmTimeout());
        for (int i = 0; i < votes.publishChannels(); i++) {
            BatchMessage messages = new BatchMessage(new ScriptPipeline(redis, AdmissionScripts.ADMIT)::run, codec);
            PublishLane lane = new PublishLane(i, destination, messages, limits,
                    new Unconfirmed(votes.publishMaxInFlight(), observer, System::nanoTime), System::nanoTime);
            lanes.add(lane);
            // A platform thread: its timed waits then cost no virtual-thread timer each.
            threads.add(Thread.ofPlatform().name("publish-lane-" + i).daemon().start(lane));
        }
    }

    /**
     * Completes when the broker confirmed the vote ({@link VoteCodec#toJson}); fails with an
     * {@link PublishFailure} otherwise, at the latest {@code PUBLISH_CONFIRM_TIMEOUT_MS} after this call.
     */
    public CompletableFuture<Void> publish(String voteJson) {
        return lanes.get(Math.floorMod(next.getAndIncrement(), lanes.size())).submit(voteJson);
    }

    /**
     * Admits the vote with its lane's next batch ({@code script}, read by {@code verdict}) and
     * publishes it if admitted: completes at once when it is refused, at the confirm when admitted.
     */
    CompletableFuture<Admission> admitAndPublish(String voteJson, ScriptPipeline.Call script, LaneClaim.Verdict verdict) {
        return lanes.get(Math.floorMod(next.getAndIncrement(), lanes.size())).submit(voteJson, script, verdict);
    }

    public boolean isHealthy() {
        return lanes.stream().anyMatch(PublishLane::isHealthy);
    }

    /** Stops taking votes, then waits (bounded) for the confirms of those already published. */
    public void drain(Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        lanes.forEach(PublishLane::stop);
        for (Thread thread : threads) {
            thread.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        }
        for (PublishLane lane : lanes) {
            lane.awaitSettled(deadline);
        }
    }

    @Override
    public void close() throws InterruptedException {
        drain(Duration.ofSeconds(10));
        lanes.forEach(PublishLane::close);
    }
}
