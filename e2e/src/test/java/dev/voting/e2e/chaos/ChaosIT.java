package dev.voting.e2e.chaos;

import dev.voting.testkit.Services;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The chaos suite: votes at ~250/s over two API processes while fifteen faults strike (worker,
 * Redis, PostgreSQL, broker and API crashes; a stalled broker, a wiped Redis, Redis errors, a
 * read-only PostgreSQL, a poll closed under load; a frozen worker, poison messages), then every
 * accepted vote must be counted exactly once, nothing else, and every answer must have been true for
 * its voter (G9). CI runs it for 60 s; {@code make chaos} for 120 s ({@code -Dchaos.seconds}).
 */
class ChaosIT {
    private static final int VOTES_PER_SECOND = 250;

    @Test
    void underFifteenFaultsEveryAnswerIsTrueNoVoteIsLostOrCountedTwiceAndOnlyPoisonIsDeadLettered() throws Exception {
        if (!ChaosCluster.available()) {
            throw Services.missing("the chaos suite needs PostgreSQL 15, redis-server and rabbitmq-server installed locally");
        }
        int seconds = Integer.getInteger("chaos.seconds", 60);
        Path home = Path.of("target", "chaos");
        Verdict verdict = new ChaosRun(home, seconds, VOTES_PER_SECOND).run();
        System.out.println(verdict.line());
        Files.writeString(home.resolve("summary.txt"), verdict.line() + "\n");

        assertAll(verdict.line(),
                () -> assertEquals(Schedule.faults().size(), verdict.faults(),
                        "every fault happened as described (see target/chaos/faults.log)"),
                () -> assertEquals(0, verdict.unresolved(), "every unclear outcome got a definite answer on retry"),
                () -> assertTrue(verdict.accepted() > VOTES_PER_SECOND * seconds / 2, "most votes were accepted"),
                () -> assertEquals(0, verdict.lost(), "lost"),
                () -> assertEquals(0, verdict.phantom(), "phantom"),
                () -> assertEquals(0, verdict.doubleCounted(), "double counted"),
                () -> assertEquals(0, verdict.redisMismatch(), "Redis differs from PostgreSQL"),
                () -> assertEquals(0, verdict.truth().acceptedNotCounted(), "202s whose vote is not counted (target/chaos/truth.log)"),
                () -> assertEquals(0, verdict.truth().notRecordedCounted(), "'not recorded' 503s whose vote is counted (truth.log)"),
                () -> assertEquals(0, verdict.truth().alreadyVotedWrong(), "409 already_voted not naming the counted vote (truth.log)"),
                () -> assertTrue(verdict.truth().pollClosed() > 0, "votes for the closed poll were refused as poll_closed"),
                () -> assertEquals(0, verdict.truth().closedEarly(), "poll_closed only after the close (truth.log)"),
                () -> assertEquals(Schedule.POISON.size(), verdict.dlq(), "the DLQ holds the poison messages"),
                () -> assertEquals(0, verdict.unexpectedDeadLetters(), "and only them"),
                () -> assertTrue(verdict.unavailable() > 0, "with the broker away, votes were answered 503"),
                () -> assertTrue(verdict.byKind().getOrDefault(LoadGenerator.Kind.RATE_LIMITED, 0L) > 0, "hammering voters were limited"),
                () -> assertTrue(verdict.byKind().getOrDefault(LoadGenerator.Kind.REFUSED, 0L) > 0, "votes off the ballot were refused"),
                () -> assertEquals(0, verdict.unavailableWithoutRetryAfter(), "every 503 carries Retry-After"));
    }
}
