package dev.voting.shared.config;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What both processes read from the environment: where PostgreSQL, RabbitMQ and Redis are, and the
 * log format. Each process adds its own settings on top ({@code ApiConfig}, {@code WorkerConfig})
 * through {@link #read(Env)}, so that one start-up failure names every bad variable of both parts.
 * See {@code .env.example}.
 */
public record Config(Database database, Rabbit rabbit, Redis redis, String logFormat) {

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

    public static Config fromEnvironment() {
        return from(System.getenv());
    }

    public static Config from(Map<String, String> environment) {
        Env env = new Env(environment);
        Config config = read(env);
        env.throwIfInvalid();
        return config;
    }

    /** The shared settings; problems are left in {@code env} for the caller to report with its own. */
    public static Config read(Env env) {
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

        String logFormat = env.oneOf("LOG_FORMAT", "text", Set.of("text", "json"));
        return new Config(database, rabbit, redis, logFormat);
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

    /** {@code heading} then one line per setting, secrets masked: what a process logs at start-up. */
    public String describe(String heading, String... ownSettings) {
        StringBuilder lines = new StringBuilder(heading)
                .append("\n  database ").append(database.url()).append(" schema=").append(database.schema())
                .append(" pool=").append(database.poolSize())
                .append(database.replicaUrl() == null ? "" : " replica=" + database.replicaUrl())
                .append("\n  rabbitmq ").append(rabbit.url()).append(" queue=").append(rabbit.queue())
                .append(" deliveryLimit=").append(rabbit.deliveryLimit()).append(" maxLength=").append(rabbit.maxLength())
                .append(" quorumSize=").append(rabbit.quorumSize())
                .append("\n  redis ").append(Secrets.maskUrl(redis.uri().toString()))
                .append(redis.viaSentinels() ? " master=" + redis.masterName() + " sentinels=" + redis.sentinels() : "")
                .append(" prefix=").append(redis.keyPrefix()).append(" pool=").append(redis.poolSize());
        for (String setting : ownSettings) {
            lines.append("\n  ").append(setting);
        }
        return lines.append("\n  log ").append(logFormat).toString();
    }

    @Override
    public String toString() {
        return describe("configuration:");
    }
}
