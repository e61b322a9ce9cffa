package dev.voting.testkit;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Tokens for tests, signed with the test secret that {@link Isolated} configures. */
public final class Tokens {
    public static final String SECRET = "integration-test-secret-0123456789abcdef";
    private static final Algorithm HS256 = Algorithm.HMAC256(SECRET);

    private Tokens() {
    }

    public static String voter(String subject) {
        return sign(subject, List.of(), Duration.ofHours(1));
    }

    public static String admin() {
        return sign("admin", List.of("admin"), Duration.ofHours(1));
    }

    public static String sign(String subject, List<String> roles, Duration lifetime) {
        Instant now = Instant.now();
        return JWT.create().withSubject(subject).withClaim("roles", roles)
                .withIssuedAt(now).withExpiresAt(now.plus(lifetime)).sign(HS256);
    }
}
