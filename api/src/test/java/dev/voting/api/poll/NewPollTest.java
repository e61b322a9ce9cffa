package dev.voting.api.poll;

import dev.voting.shared.http.ProblemException;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class NewPollTest {
    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

    private static List<NewPoll.NewCandidate> names(String... names) {
        return java.util.Arrays.stream(names).map(NewPoll.NewCandidate::new).toList();
    }

    private static String refusal(NewPoll poll) {
        ProblemException e = assertThrows(ProblemException.class, () -> poll.validate(NOW));
        assertEquals(422, e.problem().status());
        return e.problem().detail();
    }

    @Test
    void validPollIsTrimmed() {
        NewPoll.Validated poll = new NewPoll("  Lunch ", names(" Pizza", "Sushi "), "2026-11-30T12:00:00+01:00").validate(NOW);
        assertEquals("Lunch", poll.title());
        assertEquals(List.of("Pizza", "Sushi"), poll.candidateNames());
        assertEquals(Instant.parse("2026-11-30T11:00:00Z"), poll.closesAt());
        assertNull(new NewPoll("Lunch", names("A", "B"), null).validate(NOW).closesAt());
    }

    @Test
    void eachBadFieldIsNamed() {
        assertEquals("title must have 1 to 200 characters", refusal(new NewPoll(" ", names("A", "B"), null)));
        assertEquals("title must have 1 to 200 characters", refusal(new NewPoll("x".repeat(201), names("A", "B"), null)));
        assertEquals("candidates must list 2 to 100 entries", refusal(new NewPoll("T", names("A"), null)));
        assertEquals("candidates must list 2 to 100 entries", refusal(new NewPoll("T", null, null)));
        assertEquals("candidates must list 2 to 100 entries",
                refusal(new NewPoll("T", Collections.nCopies(101, new NewPoll.NewCandidate("A")), null)));
        assertEquals("candidates[1].name must have 1 to 100 characters", refusal(new NewPoll("T", names("A", ""), null)));
        assertEquals("candidates[2].name repeats another candidate's name", refusal(new NewPoll("T", names("A", "B", " A"), null)));
        assertEquals("closesAt must be an RFC 3339 date-time such as 2030-01-31T20:00:00Z",
                refusal(new NewPoll("T", names("A", "B"), "tomorrow")));
        assertEquals("closesAt must be in the future", refusal(new NewPoll("T", names("A", "B"), "2026-11-29T11:59:59Z")));
    }
}
