package dev.voting.loadtest.simulations;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.voting.loadtest.traffic.ApiCalls;
import dev.voting.loadtest.traffic.RunRecord;
import dev.voting.loadtest.traffic.Tally;
import dev.voting.loadtest.traffic.VoterTokens;
import dev.voting.shared.json.Json;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.http.HttpProtocolBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.group;
import static io.gatling.javaapi.core.CoreDsl.percent;
import static io.gatling.javaapi.core.CoreDsl.randomSwitch;
import static io.gatling.javaapi.core.CoreDsl.responseTimeInMillis;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * What every simulation shares. Each virtual user makes one call: 85 % cast a first vote as a voter
 * never seen before, 5 % repeat the vote of a voter who was answered 202 (409 expected), 10 % read
 * the results. The run votes on a poll of its own, created at start, so that the counts in
 * PostgreSQL belong to this run alone; every answer is tallied by phase for {@code make loadtest}.
 */
final class VoteTraffic {
    static final double VOTE_SHARE = 0.90;
    private static final int CANDIDATES = 4;

    private final String simulation;
    private final String baseUrl;
    private final double targetRate;
    private final Phases phases;
    private final Tally tally = new Tally();
    private final VoterTokens tokens;
    private final ApiCalls.CreatedPoll poll;
    private final String runId;
    private final Instant tokenExpiry = Instant.now().plus(Duration.ofHours(2));
    private final AtomicLong voters = new AtomicLong();
    private final AtomicReferenceArray<String[]> accepted = new AtomicReferenceArray<>(4096);
    private final AtomicLong acceptedCount = new AtomicLong();
    private final AtomicLong startNanos = new AtomicLong();

    VoteTraffic(String simulation, double targetRate, Phases phases) {
        this.simulation = simulation;
        this.baseUrl = Settings.baseUrl();
        this.targetRate = targetRate;
        this.phases = phases;
        this.tokens = VoterTokens.fromEnvironment(System.getenv());
        this.runId = simulation.toLowerCase(Locale.ROOT) + "-"
                + DateTimeFormatter.ofPattern("MMddHHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        this.poll = new ApiCalls(baseUrl).createPoll(tokens, simulation + " " + runId, CANDIDATES);
        System.out.printf("%s: %.0f votes/s against %s, poll %d%n", simulation, targetRate, baseUrl, poll.id());
    }

    /** Users per second that give the target rate of vote calls. */
    double usersPerSecond() {
        return targetRate / VOTE_SHARE;
    }

    HttpProtocolBuilder protocol() {
        // One shared pool of keep-alive connections: the load, not connection set-up, is what is measured.
        return http.baseUrl(baseUrl)
                .shareConnections()
                .warmUp(baseUrl + "/healthz")
                .acceptHeader("application/json")
                .userAgentHeader("voting-loadtest");
    }

    /** {@code allowedVoteCodes}: the answers to a vote that are not a failure in this simulation. */
    ScenarioBuilder mix(String name, Integer... allowedVoteCodes) {
        return scenario(name).randomSwitch().on(
                percent(85.0).then(vote(Tally.Kind.FIRST_VOTE, allowedVoteCodes)),
                percent(5.0).then(vote(Tally.Kind.REPEAT_VOTE, allowedVoteCodes)),
                percent(10.0).then(results()));
    }

    private ChainBuilder vote(Tally.Kind wanted, Integer... allowed) {
        return exec(session -> chooseVoter(session, wanted))
                .group(session -> session.getString("phase")).on(
                        exec(http("vote").post("/api/v1/polls/" + poll.id() + "/votes")
                                .header("Authorization", "Bearer #{token}")
                                .header("Content-Type", "application/json")
                                .body(StringBody("{\"candidateId\":#{candidate}}"))
                                // saved first, so that they are kept when the status check fails
                                .check(status().saveAs("status"), responseTimeInMillis().saveAs("ms"),
                                        status().in(Arrays.asList(allowed)))))
                .exec(this::recordVote);
    }

    private ChainBuilder results() {
        return exec(session -> session.set("phase", phase()).set("kind", Tally.Kind.RESULTS.name()))
                .group(session -> session.getString("phase")).on(
                        exec(http("results").get("/api/v1/polls/" + poll.id() + "/results")
                                .check(status().saveAs("status"), responseTimeInMillis().saveAs("ms"), status().is(200))))
                .exec(session -> {
                    tally.record(session.getString("phase"), Tally.Kind.RESULTS, statusOf(session), millisOf(session),
                            System.currentTimeMillis());
                    return session;
                });
    }

    /** A new voter for a first vote; for a repeat, a voter who was answered 202 (a first vote while there is none yet). */
    private Session chooseVoter(Session session, Tally.Kind wanted) {
        String[] repeat = wanted == Tally.Kind.REPEAT_VOTE ? randomAccepted() : null;
        String voter;
        String token;
        Tally.Kind kind;
        if (repeat != null) {
            voter = repeat[0];
            token = repeat[1];
            kind = Tally.Kind.REPEAT_VOTE;
        } else {
            voter = runId + "-" + voters.incrementAndGet();
            token = tokens.voter(voter, tokenExpiry);
            kind = Tally.Kind.FIRST_VOTE;
        }
        long candidate = poll.candidateIds().get(ThreadLocalRandom.current().nextInt(poll.candidateIds().size()));
        return session.set("phase", phase()).set("kind", kind.name()).set("voter", voter).set("token", token)
                .set("candidate", candidate);
    }

    private Session recordVote(Session session) {
        Tally.Kind kind = Tally.Kind.valueOf(session.getString("kind"));
        int status = statusOf(session);
        tally.record(session.getString("phase"), kind, status, millisOf(session), System.currentTimeMillis());
        if (kind == Tally.Kind.FIRST_VOTE && status == 202) {
            long n = acceptedCount.getAndIncrement();
            accepted.set((int) (n % accepted.length()), new String[]{session.getString("voter"), session.getString("token")});
        }
        return session;
    }

    private String[] randomAccepted() {
        long known = Math.min(acceptedCount.get(), accepted.length());
        return known == 0 ? null : accepted.get(ThreadLocalRandom.current().nextInt((int) known));
    }

    private String phase() {
        long now = System.nanoTime();
        startNanos.compareAndSet(0, now);
        return phases.at(Duration.ofNanos(now - startNanos.get()));
    }

    private static int statusOf(Session session) {
        return session.contains("status") ? session.getInt("status") : 0;
    }

    private static long millisOf(Session session) {
        return session.contains("ms") ? session.getInt("ms") : 0;
    }

    /** Writes the tally where {@code -Drecord} says (make loadtest reads it), or under target/loadtest. */
    void writeRecord() {
        RunRecord record = tally.toRecord(simulation, baseUrl, poll.id(), targetRate);
        String configured = System.getProperty("record");
        Path path = configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of("target", "loadtest", runId + ".json");
        try {
            Files.createDirectories(path.toAbsolutePath().getParent());
            ObjectMapper mapper = Json.newMapper();
            mapper.writerWithDefaultPrettyPrinter().writeValue(path.toFile(), record);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the run record " + path, e);
        }
        System.out.println(simulation + ": run record " + path.toAbsolutePath());
    }
}
