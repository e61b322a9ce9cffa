package dev.voting.worker;

import dev.voting.shared.vote.Vote;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * A batch of votes as the column arrays its statements {@code unnest}, in the batch's order and
 * bound as parameters 1 to 5 (6 with the client addresses): one statement per batch, not per vote.
 */
record VoteColumns(Object[] ids, Object[] polls, Object[] candidates, Object[] voters, Object[] acceptedAt, Object[] ips) {

    static VoteColumns of(List<Vote> votes) {
        int n = votes.size();
        VoteColumns columns = new VoteColumns(new Object[n], new Object[n], new Object[n], new Object[n], new Object[n], new Object[n]);
        for (int i = 0; i < n; i++) {
            Vote vote = votes.get(i);
            columns.ids[i] = vote.voteId();
            columns.polls[i] = vote.pollId();
            columns.candidates[i] = vote.candidateId();
            columns.voters[i] = vote.voterId();
            columns.acceptedAt[i] = epochMicros(vote.acceptedAt());
            columns.ips[i] = vote.clientIp();
        }
        return columns;
    }

    void bind(Connection connection, PreparedStatement statement, boolean withClientIps) throws SQLException {
        statement.setArray(1, connection.createArrayOf("uuid", ids));
        statement.setArray(2, connection.createArrayOf("bigint", polls));
        statement.setArray(3, connection.createArrayOf("bigint", candidates));
        statement.setArray(4, connection.createArrayOf("text", voters));
        statement.setArray(5, connection.createArrayOf("bigint", acceptedAt));
        if (withClientIps) {
            statement.setArray(6, connection.createArrayOf("text", ips));
        }
    }

    /** Timestamps travel as integers: cheaper to encode than text, and exact to the microsecond. */
    private static long epochMicros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1_000;
    }
}
