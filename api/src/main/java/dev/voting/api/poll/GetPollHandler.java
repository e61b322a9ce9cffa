package dev.voting.api.poll;

import dev.voting.api.http.Call;
import dev.voting.api.http.Handler;
import dev.voting.shared.http.ProblemException;
import dev.voting.shared.http.Response;

import java.time.Clock;

/** {@code GET /api/v1/polls/{pollId}}. */
public final class GetPollHandler implements Handler {
    private final PollCatalog catalog;
    private final Clock clock;

    public GetPollHandler(PollCatalog catalog, Clock clock) {
        this.catalog = catalog;
        this.clock = clock;
    }

    @Override
    public Response handle(Call call) {
        long id = call.pathId("pollId", "poll");
        Poll poll = catalog.find(id).orElseThrow(() -> ProblemException.notFound("no poll with id " + id));
        return Response.json(200, poll.shownAt(clock.instant()));
    }
}
