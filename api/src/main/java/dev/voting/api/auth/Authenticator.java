package dev.voting.api.auth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.AlgorithmMismatchException;
import com.auth0.jwt.exceptions.IncorrectClaimException;
import com.auth0.jwt.exceptions.JWTDecodeException;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.exceptions.MissingClaimException;
import com.auth0.jwt.exceptions.SignatureVerificationException;
import com.auth0.jwt.exceptions.TokenExpiredException;
import com.auth0.jwt.interfaces.Claim;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.auth0.jwt.interfaces.Verification;
import com.sun.net.httpserver.HttpExchange;
import dev.voting.api.ApiConfig;
import dev.voting.shared.vote.Vote;

import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import java.util.Set;

/**
 * Verifies bearer tokens in memory. The algorithm is pinned by configuration: a token whose header
 * names another one ({@code none}, or HS256 signed with the RSA public key) is refused, as is a
 * token without {@code exp}. Every refusal says why, never with the token or the key in it.
 */
public final class Authenticator {
    private static final String BEARER = "Bearer ";
    private static final int MAX_TOKEN_LENGTH = 8 * 1024;

    private final JWTVerifier verifier;

    public Authenticator(ApiConfig.Jwt config) {
        Verification verification = JWT.require(algorithm(config))
                .withClaimPresence("exp")
                .withClaimPresence("sub")
                .acceptLeeway(config.leewaySeconds());
        if (!config.issuer().isEmpty()) {
            verification = verification.withIssuer(config.issuer());
        }
        if (!config.audience().isEmpty()) {
            verification = verification.withAudience(config.audience());
        }
        this.verifier = verification.build();
    }

    static Algorithm algorithm(ApiConfig.Jwt config) {
        return switch (config.algorithm()) {
            case HS256 -> Algorithm.HMAC256(config.secret());
            case RS256 -> Algorithm.RSA256((RSAPublicKey) Pem.publicKey(config.publicKeyPem(), "RSA"), null);
            case ES256 -> Algorithm.ECDSA256((ECPublicKey) Pem.publicKey(config.publicKeyPem(), "EC"), null);
        };
    }

    public Principal authenticate(HttpExchange exchange) {
        List<String> headers = exchange.getRequestHeaders().get("Authorization");
        if (headers == null || headers.isEmpty()) {
            throw new TokenRefusedException("the request has no Authorization header; send 'Authorization: Bearer <token>'");
        }
        if (headers.size() > 1) {
            throw new TokenRefusedException("the request has more than one Authorization header");
        }
        return verify(headers.getFirst());
    }

    public Principal verify(String authorization) {
        if (!authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw new TokenRefusedException("the Authorization header must use the Bearer scheme");
        }
        String token = authorization.substring(BEARER.length()).strip();
        if (token.regionMatches(true, 0, BEARER, 0, BEARER.length())) {  // pasted "Bearer ey…" where only the token goes
            throw new TokenRefusedException("the Authorization header names the Bearer scheme twice ('Bearer Bearer …'): "
                    + "send 'Bearer <token>' (in Swagger UI's Authorize dialog, paste the token alone)");
        }
        if (token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            throw new TokenRefusedException("the bearer token is empty or too long");
        }
        DecodedJWT jwt;
        try {
            jwt = verifier.verify(token);
        } catch (TokenExpiredException e) {
            throw new TokenRefusedException("the token has expired");
        } catch (AlgorithmMismatchException e) {
            throw new TokenRefusedException("the token's algorithm is not the one this server accepts");
        } catch (SignatureVerificationException e) {
            throw new TokenRefusedException("the token's signature is invalid");
        } catch (MissingClaimException e) {
            throw new TokenRefusedException("the token has no '" + e.getClaimName() + "' claim");
        } catch (IncorrectClaimException e) {
            throw new TokenRefusedException("the token's '" + e.getClaimName() + "' claim is not accepted here");
        } catch (JWTDecodeException e) {
            throw new TokenRefusedException("the token is not a well-formed JWT");
        } catch (JWTVerificationException e) {
            throw new TokenRefusedException("the token was refused");
        }
        String subject = jwt.getSubject();
        String problem = Vote.voterIdProblem(subject);  // the voter is the subject: refused here, not in the batch it would join
        if (problem != null) {
            throw new TokenRefusedException("the token's subject " + problem);
        }
        return new Principal(subject, roles(jwt.getClaim("roles")));
    }

    private static Set<String> roles(Claim claim) {
        if (claim.isMissing() || claim.isNull()) {
            return Set.of();
        }
        try {
            List<String> roles = claim.asList(String.class);
            if (roles != null) {
                return Set.copyOf(roles.stream().filter(java.util.Objects::nonNull).toList());
            }
        } catch (JWTDecodeException ignored) {
            // falls through: roles of the wrong shape are a refusal, not "no roles"
        }
        throw new TokenRefusedException("the token's 'roles' claim must be an array of strings");
    }
}
