package dev.voting.worker;

import dev.voting.shared.amqp.ConnectionHolder;
import dev.voting.shared.lifecycle.Backoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * One lane of a worker: a thread that consumes on a channel of its own, gathers its deliveries into
 * batches ({@link BatchCollector}) and settles each ({@link BatchHandler}) before it takes the next.
 * Whatever ends a channel (the broker, or a failure in the lane), the lane closes it and consumes
 * on a new one after a backoff: the broker then redelivers what the old one held unacked, and no
 * consumer is left behind. Once stopped, the lane cancels its consumer, settles what was already
 * delivered (one attempt) and returns.
 */
final class ConsumerLane implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(ConsumerLane.class);
    private static final Backoff RECONNECT = new Backoff(100, 5_000);
    /** How long a stopping lane waits for the broker to confirm that it delivers nothing more. */
    private static final Duration CANCEL_WAIT = Duration.ofSeconds(2);

    private final String name;
    private final ConnectionHolder connection;
    private final LaneSettings settings;
    private final LaneServices services;
    private final DeadLetterFallback deadLetters;
    private final BatchHandler batches;
    private volatile boolean stopping;
    private volatile Subscription subscription;

    ConsumerLane(int id, ConnectionHolder connection, LaneSettings settings, LaneServices services) {
        this.name = "lane " + id;
        this.connection = connection;
        this.settings = settings;
        this.services = services;
        this.deadLetters = new DeadLetterFallback(id, connection, settings, services);
        this.batches = new BatchHandler(id, services, this.deadLetters, new LaneBackoff(() -> stopping, services.metrics()));
    }

    @Override
    public void run() {
        long backoff = RECONNECT.firstMillis();
        while (!stopping) {
            try (Subscription current = Subscription.open(connection, name, settings, services)) {
                subscription = current;
                consume(current);
                if (stopping) {
                    finish(current);
                }
                backoff = RECONNECT.firstMillis();
            } catch (IOException | RuntimeException e) {
                // The channel is closed by now, so whatever it held unacked is back in the queue.
                log.warn("{}: broker unavailable or the lane failed, consuming again on a new channel in {} ms: {}",
                        name, backoff, e.toString());
                LaneBackoff.sleep(backoff);
                backoff = RECONNECT.after(backoff);
            }
        }
        deadLetters.close();
    }

    boolean isConsuming() {
        Subscription current = subscription;
        return current != null && current.isOpen();
    }

    /** True while the lane holds a batch that PostgreSQL does not take: readiness names PostgreSQL. */
    boolean isHoldingWrites() {
        return batches.isHoldingWrites();
    }

    /** Stops taking deliveries; {@link #run()} then settles what it holds and returns. */
    void stop() {
        stopping = true;
    }

    private void consume(Subscription current) {
        BatchCollector<Inbound> collector = new BatchCollector<>(current, Inbound::weight, settings.batch(), System::nanoTime);
        while (!stopping && current.isOpen()) {
            List<Inbound> batch;
            try {
                batch = collector.next();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopping = true;
                return;
            }
            if (!batch.isEmpty() && current.isOpen()) {  // else its channel died: the broker redelivers it
                handle(batch, current);
            }
        }
    }

    /** After stop: cancel the consumer, then settle and ack what was already delivered; the caller closes the channel. */
    private void finish(Subscription current) {
        List<Inbound> rest;
        try {
            rest = current.cancel(CANCEL_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;  // left unacked: the broker redelivers it when the channel closes
        }
        if (!rest.isEmpty() && current.isOpen()) {
            handle(rest, current);
        }
    }

    private void handle(List<Inbound> batch, Subscription from) {
        try {
            batches.handle(batch, from);
        } catch (Abandoned e) {
            log.info("{}: stopping; {} unacked deliveries will be redelivered", name, batch.size());
        }
    }
}
