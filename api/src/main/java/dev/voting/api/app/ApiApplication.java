package dev.voting.api.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import com.zaxxer.hikari.HikariDataSource;
import dev.voting.api.ApiConfig;
import dev.voting.api.auth.Authenticator;
import dev.voting.api.client.ClientGate;
import dev.voting.api.health.HealthHandlers;
import dev.voting.api.http.Access;
import dev.voting.api.http.Route;
import dev.voting.api.http.Router;
import dev.voting.api.poll.ClosePollHandler;
import dev.voting.api.poll.CreatePollHandler;
import dev.voting.api.poll.GetPollHandler;
import dev.voting.api.poll.ListPollsHandler;
import dev.voting.api.poll.PollCatalog;
import dev.voting.api.poll.PollPages;
import dev.voting.api.poll.PollRepository;
import dev.voting.api.results.ResultsFeeds;
import dev.voting.api.results.ResultsHandler;
import dev.voting.api.results.ResultsService;
import dev.voting.api.results.ResultsStreamHandler;
import dev.voting.api.vote.CastVoteHandler;
import dev.voting.api.vote.GetVoteHandler;
import dev.voting.api.vote.VoteAdmissions;
import dev.voting.api.vote.VoteIntake;
import dev.voting.api.vote.VoteLookup;
import dev.voting.api.vote.VotePublisher;
import dev.voting.api.web.StaticHandlers;
import dev.voting.shared.amqp.Amqp;
import dev.voting.shared.amqp.ConnectionHolder;
import dev.voting.shared.amqp.VoteQueue;
import dev.voting.shared.config.Config;
import dev.voting.shared.db.Jdbc;
import dev.voting.shared.db.Postgres;
import dev.voting.shared.http.OpsServer;
import dev.voting.shared.http.Readiness;
import dev.voting.shared.http.ReadinessAnswer;
import dev.voting.shared.json.Json;
import dev.voting.shared.lifecycle.Shutdown;
import dev.voting.shared.metrics.Metrics;
import dev.voting.shared.metrics.PipelineProbe;
import dev.voting.shared.redis.CountsCache;
import dev.voting.shared.redis.RedisClients;
import dev.voting.shared.redis.RedisKeys;
import dev.voting.shared.vote.VoteCodec;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import redis.clients.jedis.UnifiedJedis;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The API process, wired with {@code new}: clients created once and shared, every route listed
 * in {@link #routes}, every resource registered for a LIFO shutdown. {@code /metrics} is served on
 * the operator's port ({@code API_METRICS_PORT}), never on the public one.
 */
public final class ApiApplication implements AutoCloseable {
    /** Live results viewers at once; past it a stream is answered 503 (G7). */
    private static final int MAX_RESULTS_VIEWERS = 2_000;
    private final Shutdown shutdown = new Shutdown();
    private List<Route> routes;
    private OpsServer ops;
    private final HttpServer server;

    private ApiApplication(ApiConfig config, Clock clock) {
        try {
            server = build(config, clock);
        } catch (RuntimeException e) {
            shutdown.close();
            throw e;
        }
    }

    private HttpServer build(ApiConfig api, Clock clock) {
        // Before any HttpServer of this JVM exists (the operator's port included): the JDK reads its limits once.
        ServerLimits.apply(api.http());
        Config config = api.common();
        PrometheusMeterRegistry registry = Metrics.newRegistry("voting-api");
        ObjectMapper mapper = Json.newMapper();
        RedisKeys keys = new RedisKeys(config.redis().keyPrefix());

        HikariDataSource database = shutdown.register("postgresql", Postgres.pool(config.database(), "api", registry));
        UnifiedJedis redis = shutdown.register("redis", RedisClients.create(config.redis()));
        Amqp amqp = shutdown.register("amqp-threads", new Amqp(config.rabbit()));
        ConnectionHolder rabbit = shutdown.register("rabbitmq",
                new ConnectionHolder(amqp, "voting-api", amqp.connectAtStartup("voting-api")));
        VoteQueue.declareAtStartup(rabbit, amqp, config.rabbit());
        VoteCodec codec = new VoteCodec(mapper);
        VotePublisher publisher = shutdown.register("publisher",
                new VotePublisher(rabbit, config.rabbit(), api.votes(), codec, redis, registry), Duration.ofSeconds(15));

        Jdbc jdbc = new Jdbc(database);
        PollRepository polls = new PollRepository(jdbc);
        // Lists and results may lag a little behind the primary; the vote path and the poll cache never read the replica.
        PollRepository reads = config.database().replicaUrl() == null ? polls : new PollRepository(new Jdbc(shutdown.register(
                "postgresql-replica", Postgres.pool(config.database().replica(), "api-replica", registry))));
        ApiConfig.Votes votes = api.votes();
        PollCatalog catalog = new PollCatalog(polls::find, votes.pollCacheTtl(), votes.pollCloseDelay(), votes.maxClockSkew(),
                votes.maxUnknownPolls(), clock);
        Gauge.builder("polls.cached", catalog, PollCatalog::knownCount).tag("kind", "known")
                .description("Polls this process keeps in memory").register(registry);
        Gauge.builder("polls.cached", catalog, PollCatalog::unknownCount).tag("kind", "unknown")
                .description("Ids remembered as having no poll (at most POLL_CACHE_MAX_UNKNOWN)").register(registry);
        ResultsService results = new ResultsService(redis, new CountsCache(keys), reads, votes.resultsCacheTtl(), clock);
        VoteAdmissions admissions = new VoteAdmissions(redis, publisher, keys, api.rateLimits());
        VoteIntake intake = shutdown.register("intake", VoteIntake.create(redis, keys, jdbc, admissions, publisher));
        Readiness readiness = ApiPorts.readiness(database, redis, publisher);
        ReadinessAnswer ready = ApiPorts.readyAnswer(readiness);
        RedisClients.monitor(redis, registry);
        shutdown.register("pipeline-probe", new PipelineProbe(rabbit, config.rabbit(), readiness, registry, Duration.ofSeconds(5)));

        ResultsFeeds feeds = new ResultsFeeds(results, catalog, Duration.ofMillis(500), MAX_RESULTS_VIEWERS, registry);
        ClientGate requestsPerClient = new ClientGate(api.clients().maxRequests());
        Gauge.builder("http.clients.in.flight", requestsPerClient, ClientGate::clients)
                .description("Client addresses with a request in flight").register(registry);
        Router router = new Router(routes(
                new CreatePollHandler(polls, catalog, clock),
                new ListPollsHandler(new PollPages(reads::list, ListPollsHandler.MAX_LIMIT + 1, votes.pollCacheTtl(),
                        catalog::changes), clock),
                new GetPollHandler(catalog, clock),
                new ClosePollHandler(polls, catalog, votes.pollCloseDelay(), clock, admissions::expireClaims),
                new CastVoteHandler(catalog, intake, codec, clock, votes.maxInFlight(), registry),
                new ResultsHandler(catalog, results),
                new ResultsStreamHandler(catalog, feeds, new ClientGate(api.clients().maxViewers()), mapper,
                        ResultsStreamHandler.lifetimeUnder(api.http().maxRequestSeconds()), Duration.ofSeconds(10)),
                new GetVoteHandler(new VoteLookup(jdbc, redis, keys, mapper)),
                new HealthHandlers(ready),
                new StaticHandlers()),
                new Authenticator(api.jwt()), mapper, api.http().maxBodyBytes(), api.clients().addresses(), requestsPerClient);
        routes = router.routes();

        ops = shutdown.register("ops-server", ApiPorts.operators(api.http(), registry, ready, mapper));
        ExecutorService executor = shutdown.register("http-executor", Executors.newVirtualThreadPerTaskExecutor());
        HttpServer server = ApiPorts.publicPort(api.http(), router, executor, registry);
        // Registered last, closed first: stop taking requests and let those in flight finish (and get their confirms).
        shutdown.register("http-server", () -> server.stop(10), Duration.ofSeconds(15));
        // Closed before the server: live results streams end at once instead of holding its stop for 10 s.
        shutdown.register("results-streams", feeds);
        server.start();
        return server;
    }

    private static List<Route> routes(CreatePollHandler createPoll, ListPollsHandler listPolls, GetPollHandler getPoll,
                                      ClosePollHandler closePoll, CastVoteHandler castVote, ResultsHandler results,
                                      ResultsStreamHandler resultsStream, GetVoteHandler getVote, HealthHandlers health,
                                      StaticHandlers statics) {
        return List.of(
                Route.post("/api/v1/polls", Access.ADMIN, createPoll),
                Route.get("/api/v1/polls", Access.ANYONE, listPolls),
                Route.get("/api/v1/polls/{pollId}", Access.ANYONE, getPoll),
                Route.post("/api/v1/polls/{pollId}/close", Access.ADMIN, closePoll),
                Route.post("/api/v1/polls/{pollId}/votes", Access.VOTER, castVote),
                Route.get("/api/v1/polls/{pollId}/results", Access.ANYONE, results),
                Route.get("/api/v1/polls/{pollId}/results/stream", Access.ANYONE, resultsStream),
                Route.get("/api/v1/votes/{voteId}", Access.VOTER, getVote),
                Route.get("/healthz", Access.ANYONE, health::health),
                Route.get("/readyz", Access.ANYONE, health::ready),
                Route.get("/openapi.yaml", Access.ANYONE, statics::openApi),
                Route.get("/docs", Access.ANYONE, statics::docsPage),
                Route.get("/docs/", Access.ANYONE, statics::docsSlash),
                Route.get("/docs/{file}", Access.ANYONE, statics::docsAsset),
                Route.get("/", Access.ANYONE, statics::index),
                Route.get("/vote/{pollId}", Access.ANYONE, statics::ballot),
                Route.get("/static/{file}", Access.ANYONE, statics::site));
    }

    public static ApiApplication start(ApiConfig config, Clock clock) {
        return new ApiApplication(config, clock);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The operator's port: {@code /metrics}, {@code /healthz}, {@code /readyz}. */
    public int metricsPort() {
        return ops.port();
    }

    /** Every route the server answers, for the contract test against openapi.yaml. */
    public List<Route> routes() {
        return routes;
    }

    @Override
    public void close() {
        shutdown.close();
    }
}
