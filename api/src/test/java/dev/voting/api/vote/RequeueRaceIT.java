package dev.voting.api.vote;

import dev.voting.api.ApiConfig;
import dev.voting.shared.amqp.Amqp;
import dev.voting.shared.amqp.ConnectionHolder;
import dev.voting.shared.amqp.VoteQueue;
import dev.voting.shared.json.Json;
import dev.voting.shared.redis.RedisKeys;
import dev.voting.shared.vote.VoteCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import dev.voting.shared.vote.Vote;
import dev.voting.testkit.Isolated;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A repeat is admitted while the claimed vote's own request is about to give the claim back (the
 * broker never took that vote). Found by the chaos suite under a broker stall: the repeat, reading
 * only the pending record, took "no record" for "settled by a worker" and answered 409 naming a vote
 * that was never counted. Whichever of the two steps Redis runs first, the answers stay true.
 */
class RequeueRaceIT {
    private static final ApiConfig.RateLimits NO_LIMITS = new ApiConfig.RateLimits(0, 1, 0, 1);

    private record Race(VoteAdmissions admissions, Vote first, Vote repeat, Admission.AlreadyVoted admitted) {
    }

    /** The publish lanes that admit the votes, publishing on the environment's queue. */
    private record Lanes(Amqp amqp, VotePublisher publisher) implements AutoCloseable {
        static Lanes start(Isolated env) {
            Amqp amqp = new Amqp(env.config().rabbit());
            ConnectionHolder rabbit = new ConnectionHolder(amqp, "requeue-race", amqp.connectAtStartup("requeue-race"));
            VoteQueue.declareAtStartup(rabbit, amqp, env.config().rabbit());
            ApiConfig.Votes votes = ApiConfig.from(env.environment()).votes();
            return new Lanes(amqp, new VotePublisher(rabbit, env.config().rabbit(), votes, new VoteCodec(Json.newMapper()),
                    env.redis(), new SimpleMeterRegistry()));
        }

        @Override
        public void close() throws InterruptedException {
            publisher.close();
            amqp.close();
        }
    }

    private static Race admitFirstThenRepeat(Isolated env, Lanes lanes, String voter) throws Exception {
        RedisKeys keys = new RedisKeys(env.config().redis().keyPrefix());
        String epoch = new RedisEpoch(env.redis(), keys).refresh();
        VoteAdmissions admissions = new VoteAdmissions(env.redis(), lanes.publisher(), keys, NO_LIMITS);
        Vote first = new Vote(UUID.randomUUID(), 7, 1, voter, Instant.now(), "127.0.0.1", null);
        Vote repeat = new Vote(UUID.randomUUID(), 7, 2, voter, Instant.now(), "127.0.0.1", null);
        assertEquals(Admission.Admitted.CONFIRMED, admissions.admitAndPublish(first, "{\"first\":1}", epoch, null).get());
        Admission.AlreadyVoted admitted = assertInstanceOf(Admission.AlreadyVoted.class,
                admissions.admitAndPublish(repeat, "{\"repeat\":1}", epoch, null).get());
        assertEquals(first.voteId(), admitted.voteId());
        return new Race(admissions, first, repeat, admitted);
    }

    @Test
    void aClaimGivenBackBeforeTheRepeatLooksIsNotNamedAsTheVoteThatCounts() throws Exception {
        try (Isolated env = Isolated.create(); Lanes lanes = Lanes.start(env)) {
            Race race = admitFirstThenRepeat(env, lanes, "given-back");
            VoteAdmissions admissions = race.admissions();
            assertTrue(admissions.release(race.first()), "the broker never took the first vote: its claim comes back");

            Requeue found = admissions.takeForRequeue(race.repeat(), race.admitted().voteId(), race.admitted().candidateId());

            assertInstanceOf(Requeue.GivenBack.class, found, "not 'settled': the first vote will never count");
        }
    }

    @Test
    void aRepeatThatLooksFirstKeepsTheClaimFromBeingGivenBack() throws Exception {
        try (Isolated env = Isolated.create(); Lanes lanes = Lanes.start(env)) {
            Race race = admitFirstThenRepeat(env, lanes, "requeued");
            VoteAdmissions admissions = race.admissions();
            Requeue found = admissions.takeForRequeue(race.repeat(), race.admitted().voteId(), race.admitted().candidateId());

            assertEquals(new Requeue.Pending("{\"first\":1}"), found, "the repeat publishes the first vote again");
            assertFalse(admissions.release(race.first()), "published again, it may count: its claim stays");
        }
    }

    @Test
    void aVoteAWorkerSettledIsTheOneThatCounts() throws Exception {
        try (Isolated env = Isolated.create(); Lanes lanes = Lanes.start(env)) {
            Race race = admitFirstThenRepeat(env, lanes, "settled");
            VoteAdmissions admissions = race.admissions();
            env.redis().del(new RedisKeys(env.config().redis().keyPrefix()).pendingVote(race.first().voteId()));  // as a worker does

            Requeue found = admissions.takeForRequeue(race.repeat(), race.admitted().voteId(), race.admitted().candidateId());

            assertInstanceOf(Requeue.Settled.class, found);
        }
    }
}
