package dev.voting.api.results;

import dev.voting.api.http.Call;
import dev.voting.api.http.Handler;
import dev.voting.shared.http.ProblemException;
import dev.voting.shared.http.Response;
import dev.voting.api.poll.PollCatalog;

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
        long pollId = call.pathId("pollId", "poll");
        var poll = polls.find(pollId).orElseThrow(() -> ProblemException.notFound("no poll with id " + pollId));
        return Response.json(200, results.results(poll));
    }
}
