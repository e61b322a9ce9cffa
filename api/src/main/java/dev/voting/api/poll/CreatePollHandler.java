package dev.voting.api.poll;

import dev.voting.api.http.Call;
import dev.voting.api.http.Handler;
import dev.voting.api.http.Response;

import java.io.IOException;
import java.time.Clock;

/** {@code POST /api/v1/polls} (admin): 201 with the poll and its {@code Location}. */
public final class CreatePollHandler implements Handler {
    private final PollRepository repository;
    private final PollCatalog catalog;
    private final Clock clock;

    public CreatePollHandler(PollRepository repository, PollCatalog catalog, Clock clock) {
        this.repository = repository;
        this.catalog = catalog;
        this.clock = clock;
    }

    @Override
    public Response handle(Call call) throws IOException {
        NewPoll.Validated request = call.jsonBody(NewPoll.class).validate(clock.instant());
        Poll poll = repository.create(request);
        catalog.remember(poll);
        return Response.json(201, poll).withHeader("Location", "/api/v1/polls/" + poll.id());
    }
}
