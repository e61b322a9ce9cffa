package dev.voting.api.poll;

import dev.voting.api.http.Call;
import dev.voting.api.http.Handler;
import dev.voting.shared.http.Response;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;

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
        Instant asked = clock.instant();
        NewPoll.Validated request = call.jsonBody(NewPoll.class).validate(asked);
        Poll poll = repository.create(request);
        catalog.remember(poll, asked);
        return Response.json(201, poll.shownAt(clock.instant())).withHeader("Location", "/api/v1/polls/" + poll.id());
    }
}
