package dev.voting.api.vote;

import dev.voting.api.ApiConfig;
import dev.voting.shared.json.Json;
import dev.voting.shared.redis.RedisKeys;
import dev.voting.shared.redis.ScriptNotRunException;
import dev.voting.shared.redis.ScriptPipeline;
import dev.voting.shared.redis.VoterMarker;
import dev.voting.shared.vote.Vote;
import dev.voting.shared.vote.VoteCodec;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A lane's batch admitted in one round trip: every vote's one future says what became of it, with
 * the same meaning as the admission and the publish had apart (claimed nothing, may have claimed,
 * admitted and confirmed, admitted and never queued, never sent). Redis is a fake that answers each
 * script by the vote json it carries.
 */
class BatchMessageTest {
    private static final ApiConfig.RateLimits LIMITS = new ApiConfig.RateLimits(5, 5, 0, 1);

    private long now;
    private final UnsentVotes waiting = new UnsentVotes(() -> now);
    private final List<Integer> roundTrips = new ArrayList<>();
    private final VoteAdmissions admissions = new VoteAdmissions(null, null, new RedisKeys("t:"), LIMITS);

    /** The fake Redis: the reply each vote's json names, all in one call per batch. */
    private final Map<String, Object> replies = Map.of(
            "ok", List.of("ok"),
            "voted", List.of("voted", new VoterMarker(UUID.fromString("00000000-0000-0000-0000-000000000001"), 4).encode()),
            "limited", List.of("voter", 200L),
            "epoch", List.of("epoch"),
            "oom", new JedisDataException("OOM command not allowed"),
            "lost", new JedisConnectionException("connection reset"),
            "unsent", new ScriptNotRunException("no Redis connection", null));
    private final BatchMessage messages = new BatchMessage(calls -> {
        roundTrips.add(calls.size());
        calls.forEach(call -> {
            Object reply = replies.get(call.args().getFirst());
            if (reply instanceof Exception e) {
                call.reply().completeExceptionally(e);
            } else {
                call.reply().complete(reply);
            }
        });
    }, new VoteCodec(Json.newMapper()));

    private CompletableFuture<Admission> claim(String reply) {
        ScriptPipeline.Call call = new ScriptPipeline.Call(List.of(), List.of(reply), new CompletableFuture<>());
        return waiting.addClaim("{\"v\":\"" + reply + "\"}", call, admissions::refusal);
    }

    private List<Unconfirmed.Pending> batch() throws InterruptedException {
        List<Unconfirmed.Pending> batch = new ArrayList<>();
        batch.add(waiting.next(0));
        waiting.drainTo(batch, 100);
        return batch;
    }

    @Test
    void refusedVotesAreAnsweredAtOnceAndAdmittedOnesAtTheirConfirm() throws Exception {
        CompletableFuture<Admission> admitted = claim("ok");
        CompletableFuture<Admission> voted = claim("voted");
        CompletableFuture<Admission> limited = claim("limited");
        CompletableFuture<Admission> epoch = claim("epoch");
        CompletableFuture<Void> requeued = waiting.add("{\"requeued\":1}");
        List<Unconfirmed.Pending> batch = batch();

        VoteCodec.Encoded message = messages.prepare(batch);

        assertEquals(List.of(4), roundTrips, "one round trip for the four scripts; the requeued vote needs none");
        assertEquals(new Admission.AlreadyVoted(UUID.fromString("00000000-0000-0000-0000-000000000001"), 4), voted.getNow(null));
        assertEquals(new Admission.Limited(LimitScope.VOTER, 5, Duration.ofMillis(200)), limited.getNow(null));
        assertEquals(new Admission.EpochChanged(), epoch.getNow(null));
        assertEquals(List.of("{\"v\":\"ok\"}", "{\"requeued\":1}"), batch.stream().map(Unconfirmed.Pending::voteJson).toList());
        assertTrue(new String(message.body()).contains("\"requeued\":1"));
        assertFalse(admitted.isDone(), "an admitted vote waits for its message's confirm");

        batch.forEach(vote -> vote.confirmed().complete(null));  // the confirm

        assertEquals(Admission.Admitted.CONFIRMED, admitted.getNow(null));
        assertTrue(requeued.isDone());
    }

    @Test
    void anErrorReplyClaimedNothingAndALostConnectionMayHaveClaimed() throws Exception {
        CompletableFuture<Admission> oom = claim("oom");
        CompletableFuture<Admission> lost = claim("lost");
        CompletableFuture<Admission> unsent = claim("unsent");

        assertNull(messages.prepare(batch()), "nothing admitted: no message");

        assertFalse(assertInstanceOf(Admission.Unavailable.class, oom.getNow(null)).mayHaveClaimed());
        assertTrue(assertInstanceOf(Admission.Unavailable.class, lost.getNow(null)).mayHaveClaimed());
        assertFalse(assertInstanceOf(Admission.Unavailable.class, unsent.getNow(null)).mayHaveClaimed());
    }

    @Test
    void anAdmittedVoteTellsWhetherItsFailedMessageMayStillBeQueued() throws Exception {
        CompletableFuture<Admission> neverWritten = claim("ok");
        CompletableFuture<Admission> inDoubt = claim("ok");
        List<Unconfirmed.Pending> batch = batch();
        messages.prepare(batch);

        batch.get(0).confirmed().completeExceptionally(PublishFailure.notQueued("the channel was closed"));
        batch.get(1).confirmed().completeExceptionally(PublishFailure.unconfirmed("no confirm in time"));

        Admission.Admitted first = assertInstanceOf(Admission.Admitted.class, neverWritten.getNow(null));
        assertFalse(first.failure().orElseThrow().mayBeQueued(), "the claim may be given back");
        Admission.Admitted second = assertInstanceOf(Admission.Admitted.class, inDoubt.getNow(null));
        assertTrue(second.failure().orElseThrow().mayBeQueued());
    }

    @Test
    void aVoteThatWaitedPastTheDeadlineBeforeItsAdmissionIsUnsent() {
        CompletableFuture<Admission> late = claim("ok");
        now += Duration.ofSeconds(6).toNanos();

        waiting.expire(Duration.ofSeconds(5).toNanos(), PublishFailure.notQueued("no permit in time"));

        assertEquals(new Admission.Unsent("no permit in time"), late.getNow(null));
        assertTrue(roundTrips.isEmpty(), "its script never ran: nothing was claimed");
    }

    @Test
    void aVoteAdmittedWhenTheRestOfTheBatchWasRefusedStillGoesAlone() throws Exception {
        claim("voted");
        CompletableFuture<Admission> admitted = claim("ok");
        List<Unconfirmed.Pending> batch = batch();

        VoteCodec.Encoded message = messages.prepare(batch);

        assertEquals(Optional.of("{\"v\":\"ok\"}"), Optional.of(new String(message.body())));
        assertFalse(admitted.isDone());
    }
}
