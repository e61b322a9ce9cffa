package dev.voting.worker;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Plans the acks of one channel's batches. A lane takes deliveries in delivery order, so a batch
 * normally begins right after the last delivery settled, and one multiple-ack up to its last
 * delivery settles all of it: on a quorum queue every ack frame is a command in the queue's Raft
 * log. A delivery settled alone (dead-lettered and acked, or rejected) is skipped, since a
 * multiple-ack must name a delivery still unacked. After a gap (a batch given up because the lane
 * is stopping) a multiple-ack would also settle the deliveries of that batch, never committed, so
 * every later delivery is acked alone.
 *
 * <p>One per channel, used by the lane's thread alone.
 */
final class AckPlan {
    /** {@code basicAck(upTo, true)} when {@code upTo > 0}, then {@code basicAck(tag, false)} for each single. */
    record Acks(long upTo, List<Long> singles) {
    }

    /** Every delivery tag up to this one is settled (a channel's tags start at 1). */
    private long settledThrough;

    /** The acks of a settled batch: its tags in delivery order, of which {@code settledAlone} need none. */
    Acks settle(List<Long> tags, Set<Long> settledAlone) {
        long upTo = 0;
        List<Long> singles = new ArrayList<>();
        boolean unbroken = true;
        for (long tag : tags) {
            unbroken &= tag == settledThrough + 1;
            if (unbroken) {
                settledThrough = tag;
                if (!settledAlone.contains(tag)) {
                    upTo = tag;
                }
            } else if (!settledAlone.contains(tag)) {
                singles.add(tag);
            }
        }
        return new Acks(upTo, singles);
    }
}
