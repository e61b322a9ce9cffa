package dev.voting.worker;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

class UnackedDeliveriesTest {
    private static UnackedDeliveries deliveredUpTo(long last) {
        UnackedDeliveries unacked = new UnackedDeliveries();
        LongStream.rangeClosed(1, last).forEach(unacked::delivered);
        return unacked;
    }

    @Test
    void aBatchOfEveryOutstandingDeliveryIsOneMultipleAck() {
        UnackedDeliveries unacked = deliveredUpTo(5);
        assertEquals(new UnackedDeliveries.Acks(5, List.of()), unacked.settle(List.of(3L, 1L, 5L, 2L, 4L)));
    }

    @Test
    void aDeliveryStillOutstandingIsNeverCoveredByAMultipleAck() {
        UnackedDeliveries unacked = deliveredUpTo(6);  // 3 is still being decoded
        assertEquals(new UnackedDeliveries.Acks(2, List.of(4L, 6L)), unacked.settle(List.of(1L, 2L, 4L, 6L)));
        // 5 is outstanding too; once 3 and 5 are done, nothing below them is left
        assertEquals(new UnackedDeliveries.Acks(5, List.of()), unacked.settle(List.of(5L, 3L)));
    }

    @Test
    void laterDeliveriesDoNotHoldBackTheBatch() {
        UnackedDeliveries unacked = deliveredUpTo(10);
        assertEquals(new UnackedDeliveries.Acks(4, List.of()), unacked.settle(List.of(1L, 2L, 3L, 4L)));
        assertEquals(new UnackedDeliveries.Acks(0, List.of(7L)), unacked.settle(List.of(7L)), "5 and 6 are outstanding");
    }

    @Test
    void aDeliverySettledAloneNoLongerCounts() {
        UnackedDeliveries unacked = deliveredUpTo(3);
        unacked.settled(2);  // dead-lettered and acked on its own
        assertEquals(new UnackedDeliveries.Acks(3, List.of()), unacked.settle(List.of(1L, 3L)));
    }
}
