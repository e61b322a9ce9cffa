package dev.voting.worker;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * The deliveries of one channel not yet acked, so that a committed batch is acked in as few frames
 * as is safe: one multiple-ack for every tag of the batch below the oldest delivery still
 * outstanding (still being decoded, or waiting for the next batch), a single ack for each of the
 * others. On a quorum queue every ack frame becomes a command in the queue's Raft log.
 */
final class UnackedDeliveries {
    /** {@code basicAck(upTo, true)} when {@code upTo > 0}, then {@code basicAck(tag, false)} for each single. */
    record Acks(long upTo, List<Long> singles) {
    }

    private final NavigableSet<Long> outstanding = new ConcurrentSkipListSet<>();

    /** Called in delivery order, before the delivery is handed on: a multiple-ack must never cover it unseen. */
    void delivered(long tag) {
        outstanding.add(tag);
    }

    /** A delivery acked or rejected on its own (a dead letter). */
    void settled(long tag) {
        outstanding.remove(tag);
    }

    /** The acks for {@code done} (delivered here, none acked yet), which are forgotten. */
    Acks settle(Collection<Long> done) {
        List<Long> tags = new ArrayList<>(done);
        tags.sort(null);
        outstanding.removeAll(tags);
        // Tags only grow, and every tag up to the batch's largest was recorded before it was handed on.
        Long oldestOutstanding = outstanding.ceiling(Long.MIN_VALUE);
        long upTo = 0;
        List<Long> singles = new ArrayList<>();
        for (long tag : tags) {
            if (oldestOutstanding == null || tag < oldestOutstanding) {
                upTo = tag;
            } else {
                singles.add(tag);
            }
        }
        return new Acks(upTo, singles);
    }
}
