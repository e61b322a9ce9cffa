package dev.voting.api.vote;

import dev.voting.shared.db.Jdbc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The vote PostgreSQL counts for a voter in a poll: the truth when Redis cannot say. Callers wait
 * for it up to a deadline; one thread asks for every waiting voter in one query per tick, so that a
 * crowd of waiting requests costs PostgreSQL a query every few milliseconds, not one per request.
 */
final class CountedVotes implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CountedVotes.class);
    private static final long TICK_MILLIS = 20;

    /** The counted vote of a voter. */
    record Counted(UUID voteId, long candidateId) {
    }

    private record Voter(long pollId, String voterId) {
    }

    private record Watch(Voter voter, long deadline, CompletableFuture<Optional<Counted>> result) {
    }

    private static final String SELECT = """
            SELECT v.poll_id, v.voter_id, v.id, v.candidate_id
              FROM votes v
              JOIN unnest(?::bigint[], ?::text[]) AS w(poll_id, voter_id)
                ON v.poll_id = w.poll_id AND v.voter_id = w.voter_id""";

    private final Jdbc jdbc;
    private final LongSupplier nanoTime;
    private final BlockingQueue<Watch> added = new LinkedBlockingQueue<>();
    private final Thread looker;
    private volatile boolean running = true;

    CountedVotes(Jdbc jdbc, LongSupplier nanoTime) {
        this.jdbc = jdbc;
        this.nanoTime = nanoTime;
        this.looker = Thread.ofPlatform().name("counted-votes").daemon().start(this::run);
    }

    /**
     * Completes with the voter's counted vote as soon as PostgreSQL has it, or empty once
     * {@code patience} has passed without one (a zero patience asks once). Fails with an
     * UnavailableException when PostgreSQL did not answer by then.
     */
    CompletableFuture<Optional<Counted>> await(long pollId, String voterId, Duration patience) {
        CompletableFuture<Optional<Counted>> result = new CompletableFuture<>();
        added.add(new Watch(new Voter(pollId, voterId), nanoTime.getAsLong() + patience.toNanos(), result));
        if (!running) {  // closed while this watch was added: nobody else will settle it
            List<Watch> left = new ArrayList<>();
            added.drainTo(left);
            failAll(left, new IllegalStateException("the API is shutting down"));
        }
        return result;
    }

    private void run() {
        List<Watch> watching = new ArrayList<>();
        while (running) {
            try {
                if (watching.isEmpty()) {
                    Watch first = added.poll(100, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    watching.add(first);
                }
                added.drainTo(watching);
                look(watching);
                if (!watching.isEmpty()) {
                    Thread.sleep(TICK_MILLIS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        failAll(watching, new IllegalStateException("the API is shutting down"));
    }

    /** One query for every watched voter; settles the watches answered or out of time. */
    private void look(List<Watch> watching) {
        Map<Voter, Counted> found;
        RuntimeException failure = null;
        try {
            found = query(watching);
        } catch (RuntimeException e) {
            found = Map.of();
            failure = e;
        }
        long now = nanoTime.getAsLong();
        for (var it = watching.iterator(); it.hasNext(); ) {
            Watch watch = it.next();
            Counted counted = found.get(watch.voter());
            if (counted != null) {
                watch.result().complete(Optional.of(counted));
            } else if (now - watch.deadline() >= 0) {
                if (failure != null) {
                    watch.result().completeExceptionally(failure);
                } else {
                    watch.result().complete(Optional.empty());
                }
            } else {
                continue;
            }
            it.remove();
        }
        if (failure != null) {
            log.debug("counted votes: PostgreSQL did not answer: {}", failure.toString());
        }
    }

    private Map<Voter, Counted> query(List<Watch> watching) {
        Object[] polls = new Object[watching.size()];
        Object[] voters = new Object[watching.size()];
        for (int i = 0; i < watching.size(); i++) {
            polls[i] = watching.get(i).voter().pollId();
            voters[i] = watching.get(i).voter().voterId();
        }
        return jdbc.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(SELECT)) {
                select.setArray(1, connection.createArrayOf("bigint", polls));
                select.setArray(2, connection.createArrayOf("text", voters));
                Map<Voter, Counted> found = new HashMap<>();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        found.put(new Voter(rs.getLong(1), rs.getString(2)), new Counted(rs.getObject(3, UUID.class), rs.getLong(4)));
                    }
                }
                return found;
            }
        });
    }

    private static void failAll(List<Watch> watches, RuntimeException cause) {
        watches.forEach(watch -> watch.result().completeExceptionally(cause));
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        looker.join(2_000);
        List<Watch> left = new ArrayList<>();
        added.drainTo(left);
        failAll(left, new IllegalStateException("the API is shutting down"));
    }
}
