package dev.voting.api.vote;

import dev.voting.api.ApiConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import dev.voting.api.app.ApiApplication;
import dev.voting.shared.json.Json;
import dev.voting.shared.redis.RedisKeys;
import dev.voting.shared.vote.Vote;
import dev.voting.shared.vote.VoteCodec;
import dev.voting.testkit.ApiClient;
import dev.voting.testkit.Isolated;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * An API killed between its Redis claim and its publish leaves a claim with no message behind it.
 * A retry must not be told "already voted" about a vote that will never be counted (G1, G5).
 */
class OrphanedClaimIT {
    private static final ObjectMapper MAPPER = Json.newMapper();

    @Test
    void aRepeatQueuesAnOriginalThatWasClaimedButNeverPublished() throws Exception {
        try (Isolated env = Isolated.create();
             ApiApplication api = ApiApplication.start(ApiConfig.from(env.environment()), Clock.systemUTC());
             ApiClient client = new ApiClient(api.port())) {
            JsonNode poll = client.createPoll("Orphans", "Yes", "No");
            long pollId = poll.path("id").asLong();
            long yes = poll.path("candidates").get(0).path("id").asLong();
            RedisKeys keys = new RedisKeys(env.config().redis().keyPrefix());
            Vote orphan = new Vote(UUID.randomUUID(), pollId, yes, "olga", Instant.now().minusSeconds(3), "127.0.0.1", null);
            env.redis().hset(keys.voterMarkers(pollId), "olga", orphan.voteId() + " " + yes);
            env.redis().set(keys.pendingVote(orphan.voteId()), MAPPER.writeValueAsString(orphan));
            long queued = env.messagesReady(env.queue());

            ApiClient.Reply retry = client.vote(pollId, "olga", poll.path("candidates").get(1).path("id").asLong());
            assertEquals(409, retry.status(), retry.body());
            assertEquals("/problems/already_voted", retry.type());
            assertEquals(orphan.voteId().toString(), retry.json().path("voteId").asText());
            assertEquals(queued + 1, env.messagesReady(env.queue()), "the original was published again");
            List<Vote> published = takeLast(env, queued + 1);
            assertEquals(List.of(orphan), published, "the same vote, same id and acceptedAt: the worker counts it once");

            // Once a worker has counted it, the worker drops the pending record and a repeat publishes nothing.
            env.redis().del(keys.pendingVote(orphan.voteId()));
            assertEquals(409, client.vote(pollId, "olga", yes).status());
            assertEquals(queued, env.messagesReady(env.queue()));
        }
    }

    /** Takes the queue's messages and returns the votes of the last one. */
    private static List<Vote> takeLast(Isolated env, long count) throws Exception {
        VoteCodec codec = new VoteCodec(MAPPER);
        List<Vote> last = null;
        try (Channel channel = env.rabbit().createChannel()) {
            for (long i = 0; i < count; i++) {
                GetResponse message = channel.basicGet(env.queue(), true);
                assertNotNull(message);
                last = codec.decode(message.getProps().getType(), message.getBody());
            }
        }
        return last;
    }
}
