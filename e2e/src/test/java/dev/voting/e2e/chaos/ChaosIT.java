package dev.voting.e2e.chaos;

import dev.voting.testkit.Services;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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

        List<Executable> checks = new ArrayList<>(verdict.exactlyOnce());
        checks.addAll(List.of(
                () -> assertEquals(Schedule.faults().size(), verdict.faults(),
                        "every fault happened as described (see target/chaos/faults.log)"),
                () -> assertTrue(verdict.accepted() > VOTES_PER_SECOND * seconds / 2, "most votes were accepted"),
                () -> assertTrue(verdict.truth().pollClosed() > 0, "votes for the closed poll were refused as poll_closed"),
                () -> assertEquals(Schedule.POISON.size(), verdict.dlq(), "the DLQ holds the poison messages"),
                () -> assertEquals(0, verdict.unexpectedDeadLetters(), "and only them"),
                () -> assertTrue(verdict.unavailable() > 0, "with the broker away, votes were answered 503"),
                () -> assertTrue(verdict.byKind().getOrDefault(LoadGenerator.Kind.RATE_LIMITED, 0L) > 0, "hammering voters were limited"),
                () -> assertTrue(verdict.byKind().getOrDefault(LoadGenerator.Kind.REFUSED, 0L) > 0, "votes off the ballot were refused")));
        assertAll(verdict.line() + " (untrue answers: target/chaos/truth.log)", checks);
    }
}
