package dev.voting.api.vote;

import dev.voting.shared.db.Jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether Redis's markers of a poll are complete, so that a claim Redis grants means the voter has
 * no other vote that may count. They are when every vote of the poll was admitted under Redis's
 * current epoch: PostgreSQL records the epoch of a poll's first admission before any vote of it is
 * published, and a poll first admitted under an older epoch stays untrusted (its answers are then
 * read from PostgreSQL, see {@link VoteIntake}). One statement per poll and epoch per process.
 */
final class PollTrust {
    private record Known(String epoch, boolean trusted) {
    }

    private static final String CLAIM_EPOCH =
            "UPDATE polls SET admission_epoch = coalesce(admission_epoch, ?) WHERE id = ? RETURNING admission_epoch";

    private final Jdbc jdbc;
    private final Map<Long, Known> known = new ConcurrentHashMap<>();

    PollTrust(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Throws an UnavailableException when PostgreSQL cannot say and this process does not know yet. */
    boolean trusted(long pollId, String epoch) {
        Known cached = known.get(pollId);
        if (cached != null && cached.epoch().equals(epoch)) {
            return cached.trusted();
        }
        String first = jdbc.read(connection -> {
            try (PreparedStatement claim = connection.prepareStatement(CLAIM_EPOCH)) {
                claim.setString(1, epoch);
                claim.setLong(2, pollId);
                try (ResultSet rs = claim.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        });
        boolean trusted = epoch.equals(first);
        known.put(pollId, new Known(epoch, trusted));
        return trusted;
    }
}
