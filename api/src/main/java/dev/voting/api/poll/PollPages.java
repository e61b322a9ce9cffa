package dev.voting.api.poll;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The lists of {@code GET /polls}, kept like a poll is: read from PostgreSQL at most once per TTL
 * and page, and again at once after this process created or closed a poll. Each read takes the
 * longest page ({@code rows}), so that every {@code limit} is served from it; a few pages are kept,
 * the least recently used forgotten first, so that made-up cursors cost bounded memory.
 */
public final class PollPages {
    /** Newest first, after the poll {@code cursor} when paging: {@link PollRepository#list}. */
    @FunctionalInterface
    public interface Lister {
        List<Poll> list(boolean openOnly, Instant now, Long cursor, int rows);
    }

    private static final int MAX_PAGES = 32;

    private record Key(boolean openOnly, Long cursor) {
    }

    private record Page(List<Poll> polls, Instant readAt, long changes) {
    }

    private final Lister lister;
    private final int rows;
    private final Duration ttl;
    private final LongSupplier changes;
    private final Map<Key, Page> pages = new LinkedHashMap<>(MAX_PAGES, 0.75f, true);

    /** {@code changes} is {@link PollCatalog#changes}. */
    public PollPages(Lister lister, int rows, Duration ttl, LongSupplier changes) {
        this.lister = lister;
        this.rows = rows;
        this.ttl = ttl;
        this.changes = changes;
    }

    /**
     * Up to {@code rows} polls, newest first, open at {@code now} when {@code openOnly}: a poll that
     * closed since its page was read is left out, as PostgreSQL would have.
     */
    public List<Poll> newest(boolean openOnly, Long cursor, Instant now) {
        Key key = new Key(openOnly, cursor);
        long changed = changes.getAsLong();
        Page page = cached(key);
        if (page == null || page.changes() != changed || !now.isBefore(page.readAt().plus(ttl))) {
            page = new Page(lister.list(openOnly, now, cursor, rows), now, changed);
            keep(key, page);
        }
        return openOnly ? page.polls().stream().filter(p -> p.isOpenAt(now)).toList() : page.polls();
    }

    private synchronized Page cached(Key key) {
        return pages.get(key);
    }

    private synchronized void keep(Key key, Page page) {
        pages.put(key, page);
        if (pages.size() > MAX_PAGES) {
            pages.remove(pages.keySet().iterator().next());
        }
    }
}
