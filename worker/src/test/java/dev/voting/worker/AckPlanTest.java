package dev.voting.worker;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AckPlanTest {
    private final AckPlan plan = new AckPlan();

    private static AckPlan.Acks acks(long upTo, Long... singles) {
        return new AckPlan.Acks(upTo, List.of(singles));
    }

    @Test
    void eachBatchInDeliveryOrderIsOneMultipleAck() {
        assertEquals(acks(5), plan.settle(List.of(1L, 2L, 3L, 4L, 5L), Set.of()));
        assertEquals(acks(7), plan.settle(List.of(6L, 7L), Set.of()));
    }

    @Test
    void aDeliverySettledAloneIsNeverNamedByTheMultipleAck() {
        assertEquals(acks(2), plan.settle(List.of(1L, 2L, 3L), Set.of(3L)), "3 was dead-lettered and acked alone");
        assertEquals(acks(5), plan.settle(List.of(4L, 5L), Set.of(4L)), "a multiple-ack passes over 4, already settled");
        assertEquals(acks(0), plan.settle(List.of(6L, 7L), Set.of(6L, 7L)), "nothing left to ack");
        assertEquals(acks(8), plan.settle(List.of(8L), Set.of()));
    }

    @Test
    void afterABatchGivenUpNoMultipleAckCoversIt() {
        assertEquals(acks(2), plan.settle(List.of(1L, 2L), Set.of()));
        // 3 and 4 were given up while the lane was stopping: never committed, so never acked
        assertEquals(acks(0, 5L, 7L), plan.settle(List.of(5L, 6L, 7L), Set.of(6L)));
        assertEquals(acks(0, 8L), plan.settle(List.of(8L), Set.of()), "the gap never closes on this channel");
    }
}
