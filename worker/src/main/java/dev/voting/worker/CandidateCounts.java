package dev.voting.worker;

import dev.voting.shared.vote.Vote;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The candidate counts a batch's transaction raises by exactly what it inserted (G3), and reads
 * back afterwards: the absolute counts Redis is brought up to (G4). Count rows are locked in
 * candidate order, after all the transaction's inserts, so that two workers never wait on each
 * other in a cycle.
 */
final class CandidateCounts {
    private static final String LOCK_COUNTS =
            "SELECT candidate_id FROM candidate_counts WHERE candidate_id = ANY(?) ORDER BY candidate_id FOR UPDATE";

    private static final String RAISE_COUNTS = """
            UPDATE candidate_counts c SET votes = c.votes + d.n
              FROM unnest(?::bigint[], ?::bigint[]) AS d(candidate_id, n)
             WHERE c.candidate_id = d.candidate_id""";

    private static final String READ_COUNTS =
            "SELECT poll_id, candidate_id, votes FROM candidate_counts WHERE poll_id = ANY(?)";

    private CandidateCounts() {
    }

    /** Adds the counted votes to their candidates' counts, in the caller's transaction. */
    static void raise(Connection connection, List<Vote> counted) throws SQLException {
        Map<Long, Long> perCandidate = new TreeMap<>();
        counted.forEach(v -> perCandidate.merge(v.candidateId(), 1L, Long::sum));
        Array candidates = connection.createArrayOf("bigint", perCandidate.keySet().toArray());
        try (PreparedStatement lock = connection.prepareStatement(LOCK_COUNTS)) {
            lock.setArray(1, candidates);
            lock.executeQuery().close();
        }
        try (PreparedStatement raise = connection.prepareStatement(RAISE_COUNTS)) {
            raise.setArray(1, candidates);
            raise.setArray(2, connection.createArrayOf("bigint", perCandidate.values().toArray()));
            raise.executeUpdate();
        }
    }

    /** Every count of the polls, poll → candidate → votes, as the caller's transaction sees them. */
    static Map<Long, Map<Long, Long>> read(Connection connection, Set<Long> polls) throws SQLException {
        Map<Long, Map<Long, Long>> counts = new LinkedHashMap<>();
        try (PreparedStatement select = connection.prepareStatement(READ_COUNTS)) {
            select.setArray(1, connection.createArrayOf("bigint", polls.toArray()));
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    counts.computeIfAbsent(rs.getLong(1), poll -> new HashMap<>()).put(rs.getLong(2), rs.getLong(3));
                }
            }
        }
        return counts;
    }
}
