package dev.voting.loadtest.traffic;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTCreator;
import com.auth0.jwt.algorithms.Algorithm;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Mints the HS256 tokens the load tools vote with, signed with the system's {@code JWT_SECRET_KEY}
 * (and carrying {@code JWT_ISSUER}/{@code JWT_AUDIENCE} when those are set). No {@code iat}: tokens
 * minted with one expiry then have one length, which lets the wrk script seek to its share of a file.
 */
public final class VoterTokens {
    private final Algorithm algorithm;
    private final String issuer;
    private final String audience;

    public VoterTokens(String secret, String issuer, String audience) {
        if (secret == null || secret.getBytes(StandardCharsets.UTF_8).length < 32) {
            throw new IllegalArgumentException("JWT_SECRET_KEY must be set to the system's HS256 secret (at least 32 bytes)");
        }
        this.algorithm = Algorithm.HMAC256(secret);
        this.issuer = issuer == null ? "" : issuer;
        this.audience = audience == null ? "" : audience;
    }

    /** The settings of the system under test, from the environment ({@code make} reads .env.example and .env). */
    public static VoterTokens fromEnvironment(Map<String, String> environment) {
        String algorithm = environment.getOrDefault("JWT_ALGORITHM", "HS256");
        if (!algorithm.isEmpty() && !algorithm.equals("HS256")) {
            throw new IllegalArgumentException("the load tools mint HS256 tokens only; JWT_ALGORITHM is " + algorithm);
        }
        return new VoterTokens(environment.get("JWT_SECRET_KEY"), environment.get("JWT_ISSUER"), environment.get("JWT_AUDIENCE"));
    }

    public String voter(String subject, Instant expiresAt) {
        return sign(subject, List.of(), expiresAt);
    }

    public String admin(Instant expiresAt) {
        return sign("loadtest-admin", List.of("admin"), expiresAt);
    }

    private String sign(String subject, List<String> roles, Instant expiresAt) {
        JWTCreator.Builder token = JWT.create().withSubject(subject).withClaim("roles", roles).withExpiresAt(expiresAt);
        if (!issuer.isEmpty()) {
            token.withIssuer(issuer);
        }
        if (!audience.isEmpty()) {
            token.withAudience(audience);
        }
        return token.sign(algorithm);
    }
}
