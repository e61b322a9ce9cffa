package dev.voting.api.poll;

import dev.voting.api.http.Call;
import dev.voting.api.http.Handler;
import dev.voting.api.http.ProblemException;
import dev.voting.api.http.Response;

/** {@code GET /api/v1/polls/{pollId}}. */
public final class GetPollHandler implements Handler {
    private final PollCatalog catalog;

    public GetPollHandler(PollCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public Response handle(Call call) {
        long id = call.pathId("pollId", "poll");
        return Response.json(200, catalog.find(id).orElseThrow(() -> ProblemException.notFound("no poll with id " + id)));
    }
}
