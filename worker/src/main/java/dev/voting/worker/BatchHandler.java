package dev.voting.worker;

import dev.voting.shared.logging.RequestIds;
import dev.voting.shared.vote.Vote;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import redis.clients.jedis.exceptions.JedisException;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Settles one batch of deliveries. An unreadable message goes to the dead-letter queue. The votes
 * of the others are written in one transaction ({@link RetryingWriter}: held while PostgreSQL is
 * away, halved around a vote it refuses for its data, which goes to the dead-letter queue alone),
 * each committed part is brought to Redis, and only then is the batch acked: a message is acked
 * only once every vote in it is committed or dead-lettered (G1, G6). One per lane, used by its thread alone.
 */
final class BatchHandler {
    private static final Logger log = LoggerFactory.getLogger(BatchHandler.class);

    private final int lane;
    private final RetryingWriter writer;
    private final LaneServices services;
    private final DeadLetterFallback deadLetters;
    private final LaneBackoff backoff;

    BatchHandler(int lane, LaneServices services, DeadLetterFallback deadLetters, LaneBackoff backoff) {
        this.lane = lane;
        this.writer = new RetryingWriter(lane, services.writer(), backoff);
        this.services = services;
        this.deadLetters = deadLetters;
        this.backoff = backoff;
    }

    /** True while the lane holds a batch that PostgreSQL does not take. */
    boolean isHoldingWrites() {
        return writer.isHolding();
    }

    /**
     * Settles {@code batch} (in delivery order) and acks it; throws, acking nothing more, when the
     * lane stopped while the batch waited for a dependency: the broker redelivers what is unacked.
     */
    void handle(List<Inbound> batch, Subscription from) throws Abandoned {
        Set<Long> settledAlone = new HashSet<>();
        List<Inbound.Readable> readable = new ArrayList<>(batch.size());
        for (Inbound inbound : batch) {
            switch (inbound) {
                case Inbound.Unreadable unreadable -> {
                    deadLetters.unreadable(unreadable, from);
                    settledAlone.add(unreadable.tag());
                }
                case Inbound.Readable r -> readable.add(r);
            }
        }
        if (!readable.isEmpty()) {
            String requestIds = BatchRequestIds.of(readable);
            if (requestIds != null) {
                MDC.put(RequestIds.MDC_KEY, requestIds);  // every line logged about this batch names its requests
            }
            try {
                write(readable, from, settledAlone);
            } finally {
                MDC.remove(RequestIds.MDC_KEY);
            }
        }
        from.ack(batch.stream().map(Inbound::tag).toList(), settledAlone);
    }

    /** Writes the votes; each committed part is brought to Redis at once, a refused vote is dead-lettered alone. */
    private void write(List<Inbound.Readable> deliveries, Subscription from, Set<Long> settledAlone) throws Abandoned {
        List<Vote> votes = new ArrayList<>();
        deliveries.forEach(d -> votes.addAll(d.votes()));
        long start = System.nanoTime();
        writer.write(votes, outcome -> {
            switch (outcome) {
                case RetryingWriter.Outcome.Committed(BatchResult result, List<Vote> part) -> {
                    services.observer().committed(result);
                    publishRetrying(result, part);
                    services.metrics().batch(result, System.nanoTime() - start);
                    log.debug("lane {}: {} votes committed: {} counted, {} duplicates, rejected {}", lane, part.size(),
                            result.counted().size(), result.duplicates(), result.rejectedByReason());
                }
                case RetryingWriter.Outcome.Refused(Vote vote, SQLException error) -> refused(vote, error, deliveries, from, settledAlone);
            }
        });
    }

    private void publishRetrying(BatchResult result, List<Vote> votes) throws Abandoned {
        long wait = LaneBackoff.BACKOFF.firstMillis();
        while (true) {
            try {
                services.liveCounts().publish(result, votes);
                return;
            } catch (JedisException e) {
                log.warn("lane {}: Redis unavailable, holding a committed batch, retrying in {} ms: {}", lane, wait, e.toString());
            }
            wait = backoff.after(wait);
        }
    }

    /**
     * A vote PostgreSQL refused for its data goes to the dead-letter queue alone, and its deliveries
     * are acked with the batch; when that dead letter is not confirmed they are rejected instead.
     */
    private void refused(Vote vote, SQLException error, List<Inbound.Readable> deliveries, Subscription from,
                         Set<Long> settledAlone) {
        List<Inbound.Readable> holding = deliveries.stream()
                .filter(d -> !settledAlone.contains(d.tag()) && d.votes().stream().anyMatch(v -> v.voteId().equals(vote.voteId())))
                .toList();
        if (holding.isEmpty() || deadLetters.refused(vote, error)) {
            return;  // (nothing holds it when its message was rejected whole for another vote: the broker's DLQ has it)
        }
        for (Inbound.Readable delivery : holding) {
            deadLetters.reject(delivery.tag(), from);
            settledAlone.add(delivery.tag());
        }
    }
}
