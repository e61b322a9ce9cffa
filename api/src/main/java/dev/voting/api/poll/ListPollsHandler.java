package dev.voting.api.poll;

import dev.voting.api.http.Call;
import dev.voting.api.http.Handler;
import dev.voting.shared.http.ProblemException;
import dev.voting.shared.http.Response;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code GET /api/v1/polls?status=open&limit=50&cursor=...}: newest first, keyset-paged, from {@link PollPages}. */
public final class ListPollsHandler implements Handler {
    private static final int DEFAULT_LIMIT = 50;
    /** The longest page: what {@link PollPages} reads, plus one to know whether there is a next page. */
    public static final int MAX_LIMIT = 200;
    private static final Set<String> PARAMETERS = Set.of("status", "limit", "cursor");

    /** One page; {@code nextCursor} is absent on the last page. */
    public record Page(List<Poll.Shown> items, String nextCursor) {
    }

    private final PollPages pages;
    private final Clock clock;

    public ListPollsHandler(PollPages pages, Clock clock) {
        this.pages = pages;
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
        int limit = (int) inRange(query.get("limit"), "limit", DEFAULT_LIMIT, MAX_LIMIT);
        Long cursor = query.containsKey("cursor") ? inRange(query.get("cursor"), "cursor", 0, Long.MAX_VALUE) : null;
        Instant now = clock.instant();
        List<Poll> items = pages.newest(status.equals("open"), cursor, now);
        boolean more = items.size() > limit;
        List<Poll> page = more ? items.subList(0, limit) : items;
        return Response.json(200, new Page(page.stream().map(p -> p.shownAt(now)).toList(),
                more ? Long.toString(page.getLast().id()) : null));
    }

    /** A whole number from 1 to {@code max}, in ASCII digits; anything else, however large, is a 400 naming the range. */
    private static long inRange(String raw, String name, long fallback, long max) {
        if (raw == null) {
            return fallback;
        }
        if (!raw.isEmpty() && raw.length() <= 19 && raw.chars().allMatch(c -> c >= '0' && c <= '9')) {
            try {
                long value = Long.parseLong(raw);
                if (value >= 1 && value <= max) {
                    return value;
                }
            } catch (NumberFormatException ignored) {
                // past Long.MAX_VALUE: refused below like any other value out of range
            }
        }
        throw ProblemException.malformed(name + " must be a whole number from 1 to " + max);
    }
}
