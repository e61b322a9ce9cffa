package dev.voting.api.poll;

import dev.voting.api.http.Call;
import dev.voting.api.http.Handler;
import dev.voting.api.http.ProblemException;
import dev.voting.api.http.Response;

/**
 * {@code POST /api/v1/polls/{pollId}/close} (admin): idempotent. Votes accepted before the close
 * are still counted when they drain later (G8); other API instances see the close within
 * {@code POLL_CACHE_TTL_SECONDS}, and the worker refuses votes accepted after it.
 */
public final class ClosePollHandler implements Handler {
    private final PollRepository repository;
    private final PollCatalog catalog;

    public ClosePollHandler(PollRepository repository, PollCatalog catalog) {
        this.repository = repository;
        this.catalog = catalog;
    }

    @Override
    public Response handle(Call call) {
        long id = call.pathId("pollId", "poll");
        Poll poll = repository.close(id).orElseThrow(() -> ProblemException.notFound("no poll with id " + id));
        catalog.remember(poll);
        return Response.json(200, poll);
    }
}
