package dev.voting.api.vote;

import dev.voting.api.http.Call;
import dev.voting.api.http.Handler;
import dev.voting.api.poll.Poll;
import dev.voting.api.poll.PollCatalog;
import dev.voting.shared.http.ProblemException;
import dev.voting.shared.http.Response;
import dev.voting.shared.vote.Vote;
import dev.voting.shared.vote.VoteCodec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Semaphore;

/**
 * {@code POST /api/v1/polls/{pollId}/votes}: checks the request against the poll (in memory), hands
 * the vote to {@link VoteIntake}, and turns its answer into the response: 202, 409 naming the vote
 * that counts, 429, or 503 with Retry-After that says whether the vote is not recorded or in doubt.
 */
public final class CastVoteHandler implements Handler {
    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private final PollCatalog polls;
    private final VoteIntake intake;
    private final VoteCodec codec;
    private final Clock clock;
    private final VoteIds ids;
    private final VoteMetrics metrics;
    private final Semaphore inFlight;
    private final int maxInFlight;

    public CastVoteHandler(PollCatalog polls, VoteIntake intake, VoteCodec codec, Clock clock, int maxInFlight, MeterRegistry registry) {
        this.polls = polls;
        this.intake = intake;
        this.codec = codec;
        this.clock = clock;
        this.ids = new VoteIds(clock);
        this.metrics = new VoteMetrics(registry);
        this.maxInFlight = maxInFlight;
        this.inFlight = new Semaphore(maxInFlight);
    }

    /**
     * Sheds what the server cannot take: past {@code API_MAX_VOTES_IN_FLIGHT} votes waiting on Redis
     * or the broker, a vote is answered 503 at once instead of queueing until the client times out (G7).
     * The body is read and checked first (the token already is): a client that sends it slowly, or
     * never, holds its own connection until {@code API_MAX_READ_SECONDS}, never a vote's slot.
     */
    @Override
    public Response handle(Call call) throws IOException {
        long pollId = call.pathId("pollId", "poll");
        VoteRequest request = call.jsonBody(VoteRequest.class);
        if (request.candidateId() == null) {
            throw metrics.refused("invalid_fields", ProblemException.invalidFields("field 'candidateId' is missing"));
        }
        if (!inFlight.tryAcquire()) {
            throw metrics.refused("overloaded", ProblemException.shed(RETRY_AFTER,
                    "the server is at its limit of " + maxInFlight + " votes in flight; retry shortly"));
        }
        try {
            return cast(call, pollId, request);
        } finally {
            inFlight.release();
        }
    }

    private Response cast(Call call, long pollId, VoteRequest request) {
        // One instant decides open or closed and becomes acceptedAt, which the worker compares with the same close time.
        Instant now = clock.instant();
        Poll poll = polls.findForVote(pollId, now).orElseThrow(() -> metrics.refused("unknown_poll",
                ProblemException.notFound("no poll with id " + pollId)));
        if (!poll.isOpenAt(now)) {
            throw metrics.refused("poll_closed", ProblemException.of(409, "poll_closed", "Poll closed",
                    "poll " + pollId + " no longer takes votes"));
        }
        if (!poll.hasCandidate(request.candidateId())) {
            throw metrics.refused("unknown_candidate", ProblemException.of(422, "unknown_candidate", "Unknown candidate",
                    "candidate " + request.candidateId() + " is not on the ballot of poll " + pollId));
        }
        Vote vote = new Vote(ids.next(), pollId, request.candidateId(), call.principal().subject(), now,
                call.clientIp(), call.requestId());
        return answer(intake.cast(vote, codec.toJson(vote), poll.closesAt()), pollId);
    }

    private Response answer(Answer answer, long pollId) {
        return switch (answer) {
            case Answer.Accepted(UUID voteId) -> {
                metrics.accepted();
                yield Response.json(202, new VoteAccepted(voteId, VoteState.RECEIVED))
                        .withHeader("Location", "/api/v1/votes/" + voteId);
            }
            case Answer.AlreadyVoted(UUID voteId, long candidateId) -> throw metrics.refused("already_voted",
                    ProblemException.of(409, "already_voted", "Already voted", "this voter has already voted in poll " + pollId)
                            .with("voteId", voteId)
                            .with("candidateId", candidateId));
            case Answer.Limited(LimitScope scope, int perSecond, Duration retryAfter) -> throw metrics.refused("rate_limited",
                    ProblemException.rateLimited(retryAfter, "too many votes from this " + scope.noun() + "; retry later")
                            .withHeader("RateLimit-Policy", perSecond + ";w=1")
                            .withHeader("RateLimit", "limit=" + perSecond + ", remaining=0, reset="
                                    + Math.max(1, (retryAfter.toMillis() + 999) / 1000)));
            case Answer.NotRecorded(UUID voteId, String why) -> throw metrics.refused("unavailable",
                    ProblemException.unavailable(RETRY_AFTER, "the vote was not recorded (" + why + "); it is safe to retry")
                            .with("voteId", voteId));
            case Answer.OutcomeUnknown(UUID voteId, String why) -> throw metrics.refused("outcome_unknown",
                    ProblemException.outcomeUnknown(RETRY_AFTER, "it is not known yet whether the vote " + voteId
                            + " was recorded (" + why + "); retry: the retry answers with the vote that counts")
                            .with("voteId", voteId));
        };
    }

    /** Votes accepted, and refused by reason ({@code votes_accepted_total}, {@code votes_refused_total}). */
    private static final class VoteMetrics {
        private final MeterRegistry registry;
        private final Counter accepted;

        VoteMetrics(MeterRegistry registry) {
            this.registry = registry;
            this.accepted = Counter.builder("votes.accepted").description("Votes answered 202").register(registry);
        }

        void accepted() {
            accepted.increment();
        }

        ProblemException refused(String reason, ProblemException problem) {
            registry.counter("votes.refused", "reason", reason).increment();
            return problem;
        }
    }
}
