package dev.voting.worker;

import dev.voting.shared.db.Postgres;
import dev.voting.shared.vote.Vote;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.List;

/**
 * Gets a batch of votes into PostgreSQL, whatever it takes, and says what became of each vote. A
 * refusal that blames the data ({@link Postgres#isDataError}) splits the batch in halves until each
 * vote at fault stands alone, so that the innocent votes around it are counted and only it is
 * refused. Any other failure (outage, read-only after a failover, permissions, a plan cached before
 * a migration, no SQLSTATE at all) holds the batch and retries with backoff: writing it again is the
 * only way it can ever be counted, and {@link #isHolding()} tells readiness meanwhile.
 *
 * <p>One per lane: it is used by the lane's thread alone.
 */
final class RetryingWriter {
    private static final Logger log = LoggerFactory.getLogger(RetryingWriter.class);

    /** What became of part of a batch: committed in one transaction, or one vote PostgreSQL refused. */
    sealed interface Outcome {
        record Committed(BatchResult result, List<Vote> votes) implements Outcome {
        }

        record Refused(Vote vote, SQLException error) implements Outcome {
        }
    }

    /** Takes each outcome as it happens, before the next part is written. */
    @FunctionalInterface
    interface Settle {
        void accept(Outcome outcome) throws Abandoned;
    }

    /** Waits before the next attempt, returning the wait after it; throws when the worker is stopping. */
    @FunctionalInterface
    interface Pause {
        long after(long backoffMillis) throws Abandoned;
    }

    private final int lane;
    private final VoteWriter writer;
    private final Pause pause;
    private volatile boolean holding;

    RetryingWriter(int lane, VoteWriter writer, Pause pause) {
        this.lane = lane;
        this.writer = writer;
        this.pause = pause;
    }

    /** True while a batch waits for PostgreSQL to take it. */
    boolean isHolding() {
        return holding;
    }

    /** Returns once every vote of {@code batch} is in an outcome handed to {@code settle}. */
    void write(List<Vote> batch, Settle settle) throws Abandoned {
        // Each vote once and in write order: halves then never hold one vote twice, and a voter's
        // earlier vote is still written first.
        split(VoteWriter.uniqueInWriteOrder(batch), settle);
    }

    private void split(List<Vote> votes, Settle settle) throws Abandoned {
        BatchResult result;
        try {
            result = commit(votes);
        } catch (SQLException e) {
            if (votes.size() == 1) {
                settle.accept(new Outcome.Refused(votes.getFirst(), e));
                return;
            }
            log.warn("lane {}: PostgreSQL refused a batch of {} votes for its data (SQLSTATE {}: {}); halving it to find the votes at fault",
                    lane, votes.size(), e.getSQLState(), e.getMessage());
            int half = votes.size() / 2;
            split(votes.subList(0, half), settle);
            split(votes.subList(half, votes.size()), settle);
            return;
        }
        settle.accept(new Outcome.Committed(result, votes));
    }

    /** Retries every failure but a data error, which it throws. */
    private BatchResult commit(List<Vote> votes) throws SQLException, Abandoned {
        long backoff = LaneBackoff.BACKOFF.firstMillis();
        try {
            while (true) {
                try {
                    return writer.write(votes);
                } catch (SQLException e) {
                    if (Postgres.isDataError(e)) {
                        throw e;
                    }
                    holding = true;
                    log.warn("lane {}: PostgreSQL {}, holding {} votes, retrying in {} ms: SQLSTATE {}: {}", lane,
                            Postgres.isTransient(e) ? "unavailable" : "refuses the write, not for its data", votes.size(), backoff,
                            e.getSQLState(), e.getMessage());
                }
                backoff = pause.after(backoff);
            }
        } finally {
            holding = false;
        }
    }
}
