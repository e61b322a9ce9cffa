package dev.voting.api;

import dev.voting.api.client.Cidr;
import dev.voting.api.client.ClientAddresses;
import dev.voting.shared.config.Config;
import dev.voting.shared.config.Env;
import dev.voting.shared.config.Secrets;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The API process's settings: the shared ones ({@link Config}) and its own, parsed and validated
 * once at start-up. A bad value stops the process with a message naming the variable; see
 * {@code .env.example}.
 */
public record ApiConfig(Config common, Jwt jwt, Http http, Votes votes, RateLimits rateLimits, Clients clients) {

    /** The signature algorithms a token may be checked with: one is pinned by {@code JWT_ALGORITHM}. */
    public enum JwtAlgorithm {
        /** HMAC with SHA-256: a shared secret signs and checks. */
        HS256,
        /** RSA PKCS#1 v1.5 with SHA-256: a public key checks. */
        RS256,
        /** ECDSA P-256 with SHA-256: a public key checks. */
        ES256;

        static JwtAlgorithm named(String name) {
            try {
                return valueOf(name);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("must be one of " + Arrays.toString(values()));
            }
        }
    }

    /** {@code secret} for HS256; {@code publicKeyPem} for RS256/ES256. Empty issuer or audience means "not checked". */
    public record Jwt(JwtAlgorithm algorithm, String secret, String publicKeyPem, String issuer, String audience, int leewaySeconds) {
        @Override
        public String toString() {
            return "Jwt[" + algorithm + ", secret=" + Secrets.mask(secret) + ", issuer=" + issuer + ", audience=" + audience + "]";
        }
    }

    /**
     * {@code maxReadSeconds} bounds how long a request (headers and body) may take to arrive,
     * {@code maxRequestSeconds} how long its answer may take; {@code metricsPort} is the operator's port.
     */
    public record Http(String host, int port, int metricsPort, int maxBodyBytes, int maxConnections, int maxReadSeconds,
                       int maxRequestSeconds, int maxHeaderBytes, int maxHeaders, int idleSeconds) {
    }

    /**
     * The vote path: group commit to the broker, the Redis markers that answer repeats at once, caches.
     * A close takes effect {@code pollCloseDelay} after PostgreSQL records it, so that every API process,
     * its poll cache at most {@code pollCacheTtl} old and its clock at most {@code maxClockSkew} off
     * PostgreSQL's, knows the close time before it arrives. {@code maxUnknownPolls} ids without a poll
     * are remembered for {@code pollCacheTtl}, so that a flood of made-up ids costs bounded memory.
     */
    public record Votes(int maxInFlight, int publishChannels, int publishMaxBatch, int publishMaxInFlight, Duration confirmTimeout,
                        Duration resultsCacheTtl, Duration pollCacheTtl, Duration pollCloseDelay, Duration maxClockSkew,
                        int maxUnknownPolls) {
    }

    /** Token buckets; a rate of 0 switches that limit off. */
    public record RateLimits(int voterPerSecond, int voterBurst, int ipPerSecond, int ipBurst) {
    }

    /** Caps per client address (an IPv6 client is its /64), and the proxies allowed to say who the client is. */
    public record Clients(int maxRequests, int maxViewers, List<Cidr> trustedProxies, ClientAddresses.Header proxyHeader) {
        public ClientAddresses addresses() {
            return new ClientAddresses(trustedProxies, proxyHeader);
        }
    }

    public static final int MIN_HMAC_SECRET_BYTES = 32;

    public static ApiConfig fromEnvironment() {
        return from(System.getenv());
    }

    public static ApiConfig from(Map<String, String> environment) {
        Env env = new Env(environment);
        Config common = Config.read(env);
        var http = new Http(
                env.string("API_HOST", "0.0.0.0"),
                env.integer("API_PORT", 8000, 0, 65535),
                env.integer("API_METRICS_PORT", 9101, 0, 65535),
                env.integer("API_MAX_BODY_BYTES", 16 * 1024, 256, 10 * 1024 * 1024),
                env.integer("API_MAX_CONNECTIONS", 10_000, 1, 1_000_000),
                env.integer("API_MAX_READ_SECONDS", 5, 1, 3600),
                env.integer("API_MAX_REQUEST_SECONDS", 30, 1, 3600),
                env.integer("API_MAX_HEADER_BYTES", 16 * 1024, 1024, 1024 * 1024),
                env.integer("API_MAX_HEADERS", 100, 10, 10_000),
                env.integer("API_IDLE_SECONDS", 30, 1, 3600));
        env.require(http.metricsPort() == 0 || http.metricsPort() != http.port(), "API_METRICS_PORT",
                "must differ from API_PORT (" + http.port() + "): metrics are kept off the public port");
        Jwt jwt = jwt(env, http);
        Votes votes = votes(env);
        var rateLimits = new RateLimits(
                env.integer("RATE_LIMIT_VOTER_PER_SECOND", 5, 0, 1_000_000),
                env.integer("RATE_LIMIT_VOTER_BURST", 10, 1, 1_000_000),
                env.integer("RATE_LIMIT_IP_PER_SECOND", 200, 0, 1_000_000),
                env.integer("RATE_LIMIT_IP_BURST", 400, 1, 1_000_000));
        var clients = new Clients(
                env.integer("API_MAX_REQUESTS_PER_CLIENT", 100, 1, 1_000_000),
                env.integer("API_MAX_VIEWERS_PER_CLIENT", 50, 1, 1_000_000),
                env.parsed("TRUSTED_PROXIES", "", ApiConfig::cidrs),
                env.parsed("TRUSTED_PROXY_HEADER", "X-Forwarded-For", ClientAddresses.Header::named));
        env.throwIfInvalid();
        return new ApiConfig(common, jwt, http, votes, rateLimits, clients);
    }

    private static Jwt jwt(Env env, Http http) {
        var jwt = new Jwt(
                // a bad name is reported by throwIfInvalid; HS256 meanwhile, as if unset, so the checks below still make sense
                Objects.requireNonNullElse(env.parsed("JWT_ALGORITHM", "HS256", JwtAlgorithm::named), JwtAlgorithm.HS256),
                env.optional("JWT_SECRET_KEY"),
                env.optional("JWT_PUBLIC_KEY").replace("\\n", "\n"),
                env.optional("JWT_ISSUER"),
                env.optional("JWT_AUDIENCE"),
                env.integer("JWT_LEEWAY_SECONDS", 5, 0, 300));
        if (jwt.algorithm() == JwtAlgorithm.HS256) {
            int bytes = jwt.secret().getBytes(StandardCharsets.UTF_8).length;
            env.require(bytes >= MIN_HMAC_SECRET_BYTES, "JWT_SECRET_KEY",
                    "HS256 needs a secret of at least " + MIN_HMAC_SECRET_BYTES + " bytes (it has " + bytes + ")");
            env.require(!ExampleSecrets.isPublished(jwt.secret()) || ExampleSecrets.isLoopbackOnly(http.host()), "JWT_SECRET_KEY",
                    "is an example published with the project, so anyone can sign tokens with it; with API_HOST="
                            + http.host() + " set a secret of your own (`head -c 48 /dev/urandom | base64`), or listen on"
                            + " loopback only (API_HOST=127.0.0.1)");
        } else {
            env.require(jwt.publicKeyPem().contains("BEGIN PUBLIC KEY"), "JWT_PUBLIC_KEY",
                    jwt.algorithm() + " needs a PEM public key (-----BEGIN PUBLIC KEY-----)");
        }
        return jwt;
    }

    private static Votes votes(Env env) {
        var votes = new Votes(
                env.integer("API_MAX_VOTES_IN_FLIGHT", 2_000, 1, 1_000_000),
                env.integer("PUBLISH_CHANNELS", 2, 1, 64),
                env.integer("PUBLISH_MAX_BATCH", 500, 1, 10_000),
                env.integer("PUBLISH_MAX_IN_FLIGHT", 2, 1, 10_000),
                Duration.ofMillis(env.integer("PUBLISH_CONFIRM_TIMEOUT_MS", 5_000, 100, 600_000)),
                Duration.ofSeconds(env.integer("RESULTS_CACHE_TTL_SECONDS", 2, 0, 3600)),
                Duration.ofSeconds(env.integer("POLL_CACHE_TTL_SECONDS", 2, 0, 3600)),
                Duration.ofSeconds(env.integer("POLL_CLOSE_DELAY_SECONDS", 5, 0, 3600)),
                Duration.ofMillis(env.integer("MAX_CLOCK_SKEW_MS", 1_000, 0, 600_000)),
                env.integer("POLL_CACHE_MAX_UNKNOWN", 10_000, 0, 10_000_000));
        Duration closeNotice = votes.pollCacheTtl().plus(votes.maxClockSkew());
        env.require(votes.pollCloseDelay().compareTo(closeNotice) >= 0, "POLL_CLOSE_DELAY_SECONDS",
                "must be at least POLL_CACHE_TTL_SECONDS + MAX_CLOCK_SKEW_MS (" + votes.pollCacheTtl().toSeconds() + " s + "
                        + votes.maxClockSkew().toMillis() + " ms), or an API process could accept votes after a close it has"
                        + " not seen yet; it is " + votes.pollCloseDelay().toSeconds() + " s");
        return votes;
    }

    /** {@code 10.0.0.0/8, 2001:db8::/32}; empty trusts no proxy. */
    private static List<Cidr> cidrs(String list) {
        return Arrays.stream(list.split(",")).map(String::strip).filter(s -> !s.isEmpty()).map(Cidr::parse).toList();
    }

    /** One line per setting, secrets masked: what the API logs at start-up. */
    public String describe() {
        return common.describe("configuration:", "jwt " + jwt, "http " + http, "votes " + votes, "rateLimits " + rateLimits,
                "clients " + clients);
    }

    @Override
    public String toString() {
        return describe();
    }
}
