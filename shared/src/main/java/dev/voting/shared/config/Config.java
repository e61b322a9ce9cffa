package dev.voting.shared.config;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything both processes read from the environment, parsed and validated once at start-up.
 * A bad value stops the process with a message naming the variable; see {@code .env.example}.
 */
public record Config(
        Database database,
        Rabbit rabbit,
        Redis redis,
        Jwt jwt,
        Http http,
        Votes votes,
        Worker worker,
        RateLimits rateLimits,
        String logFormat) {

    /** {@code replicaUrl}, when not null, is a standby the API reads poll lists and results from. */
    public record Database(DatabaseUrl url, String schema, int poolSize, DatabaseUrl replicaUrl) {
        public Database(DatabaseUrl url, String schema, int poolSize) {
            this(url, schema, poolSize, null);
        }

        /** The same settings pointed at the replica. */
        public Database replica() {
            return new Database(replicaUrl, schema, poolSize);
        }
    }

    /**
     * {@code maxLength} counts messages; a full queue refuses publishes (503 at the API, never an unbounded pile).
     * {@code quorumSize} is the number of nodes each queue is replicated on (capped by RabbitMQ at the cluster's size).
     */
    public record Rabbit(RabbitUrl url, String queue, int deliveryLimit, long maxLength, int quorumSize) {
        /** The first node's URL. */
        public URI uri() {
            return url.first();
        }

        public String deadLetterQueue() {
            return queue + ".dlq";
        }
    }

    /**
     * One Redis at {@code uri}, or, when {@code sentinels} ("host:port") are given, whichever server
     * they name master of {@code masterName}, followed through failovers; {@code uri} then gives only
     * the credentials and the database.
     */
    public record Redis(URI uri, String keyPrefix, int poolSize, List<String> sentinels, String masterName) {
        public boolean viaSentinels() {
            return !sentinels.isEmpty();
        }
    }

    /** {@code secret} for HS256; {@code publicKeyPem} for RS256/ES256. Empty issuer or audience means "not checked". */
    public record Jwt(String algorithm, String secret, String publicKeyPem, String issuer, String audience, int leewaySeconds) {
        @Override
        public String toString() {
            return "Jwt[" + algorithm + ", secret=" + Secrets.mask(secret) + ", issuer=" + issuer + ", audience=" + audience + "]";
        }
    }

    public record Http(String host, int port, int maxBodyBytes, int maxConnections, int maxRequestSeconds,
                       int maxHeaderBytes, int maxHeaders, int idleSeconds) {
    }

    /**
     * The vote path: group commit to the broker, the Redis markers that answer repeats at once, caches.
     * A close takes effect {@code pollCloseDelay} after PostgreSQL records it, so that every API process,
     * its poll cache at most {@code pollCacheTtl} old and its clock at most {@code maxClockSkew} off
     * PostgreSQL's, knows the close time before it arrives.
     */
    public record Votes(int maxInFlight, int publishChannels, int publishMaxBatch, int publishMaxInFlight, Duration confirmTimeout,
                        Duration resultsCacheTtl, Duration pollCacheTtl, Duration pollCloseDelay, Duration maxClockSkew) {
    }

    public record Worker(int metricsPort, int lanes, int prefetch, int batchSize, Duration batchMaxWait) {
    }

    /** Token buckets; a rate of 0 switches that limit off. */
    public record RateLimits(int voterPerSecond, int voterBurst, int ipPerSecond, int ipBurst) {
    }

    public static final int MIN_HMAC_SECRET_BYTES = 32;

    public static Config fromEnvironment() {
        return from(System.getenv());
    }

    public static Config from(Map<String, String> environment) {
        Env env = new Env(environment);
        var database = new Database(
                env.parsed("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test", DatabaseUrl::parse),
                env.string("DATABASE_SCHEMA", "public"),
                env.integer("DATABASE_POOL_SIZE", 10, 1, 500),
                env.parsed("DATABASE_REPLICA_URL", "", url -> url.isEmpty() ? null : DatabaseUrl.parse(url)));
        env.require(database.schema().matches("[a-z_][a-z0-9_]{0,62}"), "DATABASE_SCHEMA",
                "must be a lower-case SQL identifier");

        var rabbit = new Rabbit(
                env.parsed("RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/", RabbitUrl::parse),
                env.string("RABBITMQ_QUEUE_NAME", "votes"),
                env.integer("RABBITMQ_DELIVERY_LIMIT", 20, 1, 1000),
                env.number("RABBITMQ_QUEUE_MAX_LENGTH", 1_000_000, 1, Long.MAX_VALUE),
                env.integer("RABBITMQ_QUORUM_SIZE", 3, 0, 99));

        var redis = new Redis(
                env.parsed("REDIS_URL", "redis://127.0.0.1:6379/0", Config::redisUri),
                env.string("REDIS_KEY_PREFIX", "voting:"),
                env.integer("REDIS_POOL_SIZE", 64, 1, 1000),
                hostPorts(env, "REDIS_SENTINELS"),
                env.string("REDIS_MASTER_NAME", "mymaster"));

        var jwt = new Jwt(
                env.oneOf("JWT_ALGORITHM", "HS256", Set.of("HS256", "RS256", "ES256")),
                env.optional("JWT_SECRET_KEY"),
                env.optional("JWT_PUBLIC_KEY").replace("\\n", "\n"),
                env.optional("JWT_ISSUER"),
                env.optional("JWT_AUDIENCE"),
                env.integer("JWT_LEEWAY_SECONDS", 5, 0, 300));
        if (jwt.algorithm().equals("HS256")) {
            env.require(jwt.secret().getBytes(StandardCharsets.UTF_8).length >= MIN_HMAC_SECRET_BYTES, "JWT_SECRET_KEY",
                    "HS256 needs a secret of at least " + MIN_HMAC_SECRET_BYTES + " bytes (it has "
                            + jwt.secret().getBytes(StandardCharsets.UTF_8).length + ")");
        } else {
            env.require(jwt.publicKeyPem().contains("BEGIN PUBLIC KEY"), "JWT_PUBLIC_KEY",
                    jwt.algorithm() + " needs a PEM public key (-----BEGIN PUBLIC KEY-----)");
        }

        var http = new Http(
                env.string("API_HOST", "0.0.0.0"),
                env.integer("API_PORT", 8000, 0, 65535),
                env.integer("API_MAX_BODY_BYTES", 16 * 1024, 256, 10 * 1024 * 1024),
                env.integer("API_MAX_CONNECTIONS", 10_000, 1, 1_000_000),
                env.integer("API_MAX_REQUEST_SECONDS", 30, 1, 3600),
                env.integer("API_MAX_HEADER_BYTES", 16 * 1024, 1024, 1024 * 1024),
                env.integer("API_MAX_HEADERS", 100, 10, 10_000),
                env.integer("API_IDLE_SECONDS", 30, 1, 3600));

        var votes = new Votes(
                env.integer("API_MAX_VOTES_IN_FLIGHT", 2_000, 1, 1_000_000),
                env.integer("PUBLISH_CHANNELS", 2, 1, 64),
                env.integer("PUBLISH_MAX_BATCH", 500, 1, 10_000),
                env.integer("PUBLISH_MAX_IN_FLIGHT", 2, 1, 10_000),
                Duration.ofMillis(env.integer("PUBLISH_CONFIRM_TIMEOUT_MS", 5_000, 100, 600_000)),
                Duration.ofSeconds(env.integer("RESULTS_CACHE_TTL_SECONDS", 2, 0, 3600)),
                Duration.ofSeconds(env.integer("POLL_CACHE_TTL_SECONDS", 2, 0, 3600)),
                Duration.ofSeconds(env.integer("POLL_CLOSE_DELAY_SECONDS", 5, 0, 3600)),
                Duration.ofMillis(env.integer("MAX_CLOCK_SKEW_MS", 1_000, 0, 600_000)));
        Duration closeNotice = votes.pollCacheTtl().plus(votes.maxClockSkew());
        env.require(votes.pollCloseDelay().compareTo(closeNotice) >= 0, "POLL_CLOSE_DELAY_SECONDS",
                "must be at least POLL_CACHE_TTL_SECONDS + MAX_CLOCK_SKEW_MS (" + votes.pollCacheTtl().toSeconds() + " s + "
                        + votes.maxClockSkew().toMillis() + " ms), or an API process could accept votes after a close it has"
                        + " not seen yet; it is " + votes.pollCloseDelay().toSeconds() + " s");

        var worker = new Worker(
                env.integer("WORKER_METRICS_PORT", 9100, 0, 65535),
                env.integer("WORKER_LANES", 2, 1, 64),
                env.integer("WORKER_PREFETCH", 500, 1, 65_535),
                env.integer("WORKER_BATCH_SIZE", 1_000, 1, 50_000),
                Duration.ofMillis(env.integer("WORKER_BATCH_MAX_WAIT_MS", 25, 0, 60_000)));

        var rateLimits = new RateLimits(
                env.integer("RATE_LIMIT_VOTER_PER_SECOND", 5, 0, 1_000_000),
                env.integer("RATE_LIMIT_VOTER_BURST", 10, 1, 1_000_000),
                env.integer("RATE_LIMIT_IP_PER_SECOND", 200, 0, 1_000_000),
                env.integer("RATE_LIMIT_IP_BURST", 400, 1, 1_000_000));

        String logFormat = env.oneOf("LOG_FORMAT", "text", Set.of("text", "json"));
        env.throwIfInvalid();
        return new Config(database, rabbit, redis, jwt, http, votes, worker, rateLimits, logFormat);
    }

    /** A comma-separated list of host:port, empty when the variable is unset. */
    private static List<String> hostPorts(Env env, String name) {
        List<String> hostPorts = new ArrayList<>();
        for (String item : env.optional(name).split(",")) {
            String hostPort = item.strip();
            if (hostPort.isEmpty()) {
                continue;
            }
            int colon = hostPort.lastIndexOf(':');
            boolean valid = colon > 0 && hostPort.substring(colon + 1).matches("[0-9]{1,5}")
                    && Integer.parseInt(hostPort.substring(colon + 1)) <= 65_535;
            env.require(valid, name, "must be a comma-separated list of host:port, not '" + hostPort + "'");
            hostPorts.add(hostPort);
        }
        return List.copyOf(hostPorts);
    }

    private static URI redisUri(String value) {
        return uri(value, Set.of("redis", "rediss"));
    }

    private static URI uri(String value, Set<String> schemes) {
        try {
            URI uri = new URI(value);
            if (!schemes.contains(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("must look like " + schemes.iterator().next() + "://host:port");
            }
            return uri;
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("is not a valid URL (" + e.getReason() + ")");
        }
    }

    /** One line per setting, secrets masked: what the process logs at start-up. */
    public String describe() {
        return String.join("\n  ",
                "configuration:",
                "database " + database.url() + " schema=" + database.schema() + " pool=" + database.poolSize()
                        + (database.replicaUrl() == null ? "" : " replica=" + database.replicaUrl()),
                "rabbitmq " + rabbit.url() + " queue=" + rabbit.queue() + " deliveryLimit=" + rabbit.deliveryLimit()
                        + " maxLength=" + rabbit.maxLength() + " quorumSize=" + rabbit.quorumSize(),
                "redis " + Secrets.maskUrl(redis.uri().toString())
                        + (redis.viaSentinels() ? " master=" + redis.masterName() + " sentinels=" + redis.sentinels() : "")
                        + " prefix=" + redis.keyPrefix() + " pool=" + redis.poolSize(),
                "jwt " + jwt,
                "http " + http,
                "votes " + votes,
                "worker " + worker,
                "rateLimits " + rateLimits,
                "log " + logFormat);
    }

    @Override
    public String toString() {
        return describe();
    }
}
