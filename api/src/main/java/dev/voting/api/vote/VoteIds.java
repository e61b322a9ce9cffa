package dev.voting.api.vote;

import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * UUIDv7 vote ids (RFC 9562): time-ordered, so that the votes' primary-key index grows at its
 * right edge instead of taking random page writes.
 */
final class VoteIds {
    private final Clock clock;

    VoteIds(Clock clock) {
        this.clock = clock;
    }

    UUID next() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long millis = clock.millis();
        long high = (millis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low);
    }
}
