package dev.voting.api.poll;

import dev.voting.api.http.Call;
import dev.voting.api.http.Handler;
import dev.voting.shared.http.ProblemException;
import dev.voting.shared.http.Response;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BiConsumer;

/**
 * {@code POST /api/v1/polls/{pollId}/close} (admin): the close takes effect {@code POLL_CLOSE_DELAY_SECONDS}
 * after PostgreSQL records it, a time every API process has re-read before it comes (see
 * {@link PollCatalog}); so a vote is answered 202 exactly when the worker will count it (G8). Answers
 * the poll, {@code closesAt} set to that time and still {@code open} until then. Idempotent: closing
 * again keeps the first close's time.
 */
public final class ClosePollHandler implements Handler {
    private final PollRepository repository;
    private final PollCatalog catalog;
    private final Duration delay;
    private final Clock clock;
    private final BiConsumer<Long, Instant> afterClose;

    /** {@code afterClose} learns each closed poll's close time (the vote path then lets its Redis claims expire). */
    public ClosePollHandler(PollRepository repository, PollCatalog catalog, Duration delay, Clock clock,
                            BiConsumer<Long, Instant> afterClose) {
        this.repository = repository;
        this.catalog = catalog;
        this.delay = delay;
        this.clock = clock;
        this.afterClose = afterClose;
    }

    @Override
    public Response handle(Call call) {
        long id = call.pathId("pollId", "poll");
        Instant asked = clock.instant();
        Poll poll = repository.close(id, delay).orElseThrow(() -> ProblemException.notFound("no poll with id " + id));
        catalog.remember(poll, asked);
        afterClose.accept(poll.id(), poll.closesAt());
        return Response.json(200, poll.shownAt(clock.instant()));
    }
}
