package dev.voting.api.poll;

import dev.voting.api.http.Call;
import dev.voting.api.http.Handler;
import dev.voting.api.http.ProblemException;
import dev.voting.api.http.Response;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code GET /api/v1/polls?status=open&limit=50&cursor=...}: newest first, keyset-paged. */
public final class ListPollsHandler implements Handler {
    private static final int DEFAULT_LIMIT = 50;
    private static final int MAX_LIMIT = 200;
    private static final Set<String> PARAMETERS = Set.of("status", "limit", "cursor");

    /** One page; {@code nextCursor} is absent on the last page. */
    public record Page(List<Poll.Shown> items, String nextCursor) {
    }

    private final PollRepository repository;
    private final Clock clock;

    public ListPollsHandler(PollRepository repository, Clock clock) {
        this.repository = repository;
        this.clock = clock;
    }

    @Override
    public Response handle(Call call) {
        Map<String, String> query = call.query();
        for (String name : query.keySet()) {
            if (!PARAMETERS.contains(name)) {
                throw ProblemException.malformed("unknown query parameter; use status, limit and cursor");
            }
        }
        String status = query.getOrDefault("status", "all");
        if (!status.equals("open") && !status.equals("all")) {
            throw ProblemException.malformed("status must be 'open' or 'all'");
        }
        int limit = (int) positive(query.get("limit"), "limit", DEFAULT_LIMIT);
        if (limit > MAX_LIMIT) {
            throw ProblemException.malformed("limit must be at most " + MAX_LIMIT);
        }
        Long cursor = query.containsKey("cursor") ? positive(query.get("cursor"), "cursor", 0) : null;
        Instant now = clock.instant();
        List<Poll> items = repository.list(status.equals("open"), now, cursor, limit + 1);
        boolean more = items.size() > limit;
        List<Poll> page = more ? items.subList(0, limit) : items;
        return Response.json(200, new Page(page.stream().map(p -> p.shownAt(now)).toList(),
                more ? Long.toString(page.getLast().id()) : null));
    }

    private static long positive(String raw, String name, long fallback) {
        if (raw == null) {
            return fallback;
        }
        try {
            long value = Long.parseLong(raw);
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ProblemException.malformed(name + " must be a positive integer");
    }
}
