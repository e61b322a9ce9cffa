package dev.voting.api.results;

import dev.voting.api.http.Call;
import dev.voting.api.http.Handler;
import dev.voting.api.poll.PollCatalog;
import dev.voting.shared.http.Response;

/** {@code GET /api/v1/polls/{pollId}/results}. */
public final class ResultsHandler implements Handler {
    private final PollCatalog polls;
    private final ResultsService results;

    public ResultsHandler(PollCatalog polls, ResultsService results) {
        this.polls = polls;
        this.results = results;
    }

    @Override
    public Response handle(Call call) {
        return Response.json(200, results.results(polls.require(call.pathId("pollId", "poll"))));
    }
}
