package dev.voting.api.auth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTCreator;
import com.auth0.jwt.algorithms.Algorithm;
import dev.voting.api.ApiConfig;

import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * Mints development tokens signed with the configured key ({@code make token SUB=alice ROLES=admin}).
 * RS256 and ES256 need the private half in {@code JWT_PRIVATE_KEY} (PKCS#8 PEM).
 */
public final class DevToken {
    private final Algorithm algorithm;
    private final ApiConfig.Jwt config;

    public DevToken(ApiConfig.Jwt config, String privateKeyPem) {
        this.config = config;
        this.algorithm = switch (config.algorithm()) {
            case HS256 -> Algorithm.HMAC256(config.secret());
            case RS256 -> Algorithm.RSA256(null, (RSAPrivateKey) Pem.privateKey(privateKeyPem, "RSA"));
            case ES256 -> Algorithm.ECDSA256(null, (ECPrivateKey) Pem.privateKey(privateKeyPem, "EC"));
        };
    }

    public String mint(String subject, List<String> roles, Duration lifetime) {
        Instant now = Instant.now();
        JWTCreator.Builder token = JWT.create()
                .withSubject(subject)
                .withIssuedAt(now)
                .withExpiresAt(now.plus(lifetime))
                .withClaim("roles", roles);
        if (!config.issuer().isEmpty()) {
            token.withIssuer(config.issuer());
        }
        if (!config.audience().isEmpty()) {
            token.withAudience(config.audience());
        }
        return token.sign(algorithm);
    }

    /** {@code DevToken <subject> [roles,comma,separated] [lifetime-seconds]}: prints one token. */
    public static void main(String[] args) {
        if (args.length < 1 || args[0].isBlank()) {
            System.err.println("usage: make token SUB=<voter id> [ROLES=admin] [TTL=3600]");
            System.exit(2);
        }
        ApiConfig config = ApiConfig.fromEnvironment();
        List<String> roles = args.length > 1 && !args[1].isBlank() ? Arrays.asList(args[1].split(",")) : List.of();
        long seconds = args.length > 2 ? Long.parseLong(args[2]) : 3600;
        String privateKey = System.getenv().getOrDefault("JWT_PRIVATE_KEY", "").replace("\\n", "\n");
        System.out.println(new DevToken(config.jwt(), privateKey).mint(args[0], roles, Duration.ofSeconds(seconds)));
    }
}
