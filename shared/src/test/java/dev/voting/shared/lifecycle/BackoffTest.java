package dev.voting.shared.lifecycle;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BackoffTest {
    @Test
    void eachWaitDoublesTheLastUpToTheMaximum() {
        Backoff backoff = new Backoff(100, 500);
        assertEquals(200, backoff.after(backoff.firstMillis()));
        assertEquals(400, backoff.after(200));
        assertEquals(500, backoff.after(400));
        assertEquals(500, backoff.after(500));
    }

    @Test
    void aBackoffThatCouldNeverWaitIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(0, 100));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(200, 100));
    }
}
