package dev.voting.api.poll;

import dev.voting.api.http.Call;
import dev.voting.api.http.Handler;
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
        return Response.json(200, catalog.require(call.pathId("pollId", "poll")).shownAt(clock.instant()));
    }
}
