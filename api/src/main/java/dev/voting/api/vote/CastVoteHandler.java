package dev.voting.api.vote;

import dev.voting.api.http.Call;
import dev.voting.api.http.Handler;
import dev.voting.api.http.ProblemException;
import dev.voting.api.http.Response;
import dev.voting.api.poll.Poll;
import dev.voting.api.poll.PollCatalog;
import dev.voting.shared.lifecycle.UnavailableException;
import dev.voting.shared.vote.Vote;
import dev.voting.shared.vote.VoteCodec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;

/**
 * {@code POST /api/v1/polls/{pollId}/votes}: checks the request against the poll (in memory), asks
 * Redis once (limits and the voter's claim), publishes, and answers 202 only after the broker's
 * confirm. Any failure after the claim gives the claim back and answers 503 with Retry-After.
 */
public final class CastVoteHandler implements Handler {
    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private final PollCatalog polls;
    private final VoteAdmissions admissions;
    private final VotePublisher publisher;
    private final VoteCodec codec;
    private final Clock clock;
    private final VoteIds ids;
    private final VoteMetrics metrics;
    private final Semaphore inFlight;
    private final int maxInFlight;

    public CastVoteHandler(PollCatalog polls, VoteAdmissions admissions, VotePublisher publisher, VoteCodec codec,
                           Clock clock, int maxInFlight, MeterRegistry registry) {
        this.polls = polls;
        this.admissions = admissions;
        this.publisher = publisher;
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
     */
    @Override
    public Response handle(Call call) throws IOException {
        if (!inFlight.tryAcquire()) {
            throw metrics.refused("overloaded", ProblemException.unavailable(RETRY_AFTER,
                    "the server is at its limit of " + maxInFlight + " votes in flight; retry shortly"));
        }
        try {
            return cast(call);
        } finally {
            inFlight.release();
        }
    }

    private Response cast(Call call) throws IOException {
        long pollId = call.pathId("pollId", "poll");
        VoteRequest request = call.jsonBody(VoteRequest.class);
        if (request.candidateId() == null) {
            throw metrics.refused("malformed", ProblemException.malformed("field 'candidateId' is missing"));
        }
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
        String json = codec.toJson(vote);
        switch (admissions.admit(vote, json)) {
            case Admission.Admitted() -> { }
            case Admission.Unchecked() -> { }
            case Admission.AlreadyVoted(var voteId, var candidateId) -> {
                requeueIfUncounted(voteId);
                throw metrics.refused("already_voted",
                        ProblemException.of(409, "already_voted", "Already voted", "this voter has already voted in poll " + pollId)
                                .with("voteId", voteId)
                                .with("candidateId", candidateId));
            }
            case Admission.Limited(var scope, var perSecond, var retryAfter) -> throw metrics.refused("rate_limited",
                    ProblemException.rateLimited(retryAfter, "too many votes from this " + scope + "; retry later")
                            .withHeader("RateLimit-Policy", perSecond + ";w=1")
                            .withHeader("RateLimit", "limit=" + perSecond + ", remaining=0, reset="
                                    + Math.max(1, (retryAfter.toMillis() + 999) / 1000)));
        }
        awaitConfirm(vote, json);
        metrics.accepted();
        return Response.json(202, new VoteAccepted(vote.voteId(), "received"))
                .withHeader("Location", "/api/v1/votes/" + vote.voteId());
    }

    /** The publisher answers every vote within its confirm timeout, so the wait needs no timer of its own. */
    private void awaitConfirm(Vote vote, String json) {
        try {
            publisher.publish(json).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw giveBack(vote, "the server is shutting down");
        } catch (ExecutionException e) {
            throw giveBack(vote, e.getCause() instanceof UnavailableException u ? u.getMessage() : "the vote could not be queued");
        }
    }

    /**
     * A repeat of a vote no worker has counted yet. The API that took the original may have died
     * between its claim and its publish, so the original is published again, same id, before the
     * voter is told it stands: the worker counts it once however often it arrives (G1, G5).
     */
    private void requeueIfUncounted(UUID voteId) {
        Optional<String> pending = admissions.uncounted(voteId);
        if (pending.isEmpty()) {
            return;
        }
        try {
            publisher.publish(pending.get()).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw metrics.refused("unavailable", ProblemException.unavailable(RETRY_AFTER, "the server is shutting down"));
        } catch (ExecutionException e) {
            // The claim is not this request's to give back: the voter retries, and the original is published again.
            throw metrics.refused("unavailable", ProblemException.unavailable(RETRY_AFTER,
                    "this voter's earlier vote could not be confirmed as queued yet; it is safe to retry"));
        }
    }

    private ProblemException giveBack(Vote vote, String why) {
        admissions.release(vote);
        return metrics.refused("unavailable",
                ProblemException.unavailable(RETRY_AFTER, "the vote was not recorded (" + why + "); it is safe to retry"));
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
