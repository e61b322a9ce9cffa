package dev.voting.api.vote;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.voting.shared.db.Jdbc;
import dev.voting.shared.redis.RedisKeys;
import dev.voting.shared.vote.Vote;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.util.Optional;
import java.util.UUID;

/**
 * Finds a vote wherever it is: counted or failed in PostgreSQL, or still on its way (the API's
 * pending record in Redis), in that order because PostgreSQL's verdict is final.
 */
public final class VoteLookup {
    private static final Logger log = LoggerFactory.getLogger(VoteLookup.class);

    private final Jdbc jdbc;
    private final UnifiedJedis redis;
    private final RedisKeys keys;
    private final ObjectMapper mapper;

    public VoteLookup(Jdbc jdbc, UnifiedJedis redis, RedisKeys keys, ObjectMapper mapper) {
        this.jdbc = jdbc;
        this.redis = redis;
        this.keys = keys;
        this.mapper = mapper;
    }

    public Optional<VoteStatus> find(UUID voteId) {
        Optional<VoteStatus> processed = jdbc.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement("""
                    SELECT id, poll_id, candidate_id, status::text, NULL AS reason, accepted_at, processed_at, voter_id
                      FROM votes WHERE id = ?
                    UNION ALL
                    SELECT vote_id, poll_id, candidate_id, status::text, reason, accepted_at, processed_at, voter_id
                      FROM rejected_votes WHERE vote_id = ?""")) {
                select.setObject(1, voteId);
                select.setObject(2, voteId);
                try (ResultSet rs = select.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new VoteStatus(rs.getObject(1, UUID.class), rs.getLong(2), rs.getLong(3),
                            VoteState.of(rs.getString(4)), rs.getString(5), rs.getTimestamp(6).toInstant(),
                            toInstant(rs.getTimestamp(7)), rs.getString(8)));
                }
            }
        });
        return processed.isPresent() ? processed : pending(voteId);
    }

    private Optional<VoteStatus> pending(UUID voteId) {
        String json;
        try {
            json = redis.get(keys.pendingVote(voteId));
        } catch (JedisException e) {
            log.warn("Redis unavailable while looking up vote {}: {}", voteId, e.toString());
            return Optional.empty();
        }
        if (json == null) {
            return Optional.empty();
        }
        try {
            Vote vote = mapper.readValue(json, Vote.class);
            return Optional.of(new VoteStatus(vote.voteId(), vote.pollId(), vote.candidateId(), VoteState.RECEIVED, null,
                    vote.acceptedAt(), null, vote.voterId()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the pending record of vote " + voteId + " is unreadable", e);
        }
    }

    private static java.time.Instant toInstant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
