package dev.voting.api.auth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import dev.voting.api.ApiConfig;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Tokens made by an attacker who knows how JWT libraries go wrong: another algorithm than the one
 * pinned, the public key used as an HMAC secret, a stripped signature, a token not valid yet, a
 * payload edited under a genuine signature. Each is a 401 that says why and echoes nothing secret.
 */
class TokenAttacksTest {
    private static final String SECRET = "attack-test-secret-of-enough-length-0123";

    private static String refusal(Authenticator authenticator, String token) {
        TokenRefusedException e = assertThrows(TokenRefusedException.class, () -> authenticator.verify("Bearer " + token));
        assertFalse(e.getMessage().contains(SECRET), "no secret in the refusal");
        assertFalse(e.getMessage().contains(token), "no token in the refusal");
        return e.getMessage();
    }

    private static com.auth0.jwt.JWTCreator.Builder valid(String subject) {
        return JWT.create().withSubject(subject).withExpiresAt(Instant.now().plusSeconds(60));
    }

    private static String pem(KeyPair keys) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(keys.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    @Test
    void anEs256ServerRefusesHmacSignedWithItsPublicKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair keys = generator.generateKeyPair();
        Authenticator es256 = new Authenticator(new ApiConfig.Jwt(ApiConfig.JwtAlgorithm.ES256, "", pem(keys), "", "", 5));
        String genuine = valid("alice").sign(Algorithm.ECDSA256((ECPublicKey) keys.getPublic(), (ECPrivateKey) keys.getPrivate()));
        assertEquals("alice", es256.verify("Bearer " + genuine).subject());
        String confused = valid("mallory").sign(Algorithm.HMAC256(pem(keys).getBytes(StandardCharsets.UTF_8)));
        assertEquals("the token's algorithm is not the one this server accepts", refusal(es256, confused));
    }

    @Test
    void anHs256ServerRefusesAnRs256Token() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        Authenticator hs256 = new Authenticator(new ApiConfig.Jwt(ApiConfig.JwtAlgorithm.HS256, SECRET, "", "", "", 5));
        String rsa = valid("mallory").sign(Algorithm.RSA256((RSAPublicKey) keys.getPublic(), (RSAPrivateKey) keys.getPrivate()));
        assertEquals("the token's algorithm is not the one this server accepts", refusal(hs256, rsa));
    }

    @Test
    void aStrippedSignatureIsRefused() {
        Authenticator hs256 = new Authenticator(new ApiConfig.Jwt(ApiConfig.JwtAlgorithm.HS256, SECRET, "", "", "", 5));
        String token = valid("mallory").sign(Algorithm.HMAC256(SECRET));
        String stripped = token.substring(0, token.lastIndexOf('.') + 1);
        assertEquals("the token's signature is invalid", refusal(hs256, stripped));
    }

    @Test
    void anEditedPayloadUnderAGenuineSignatureIsRefused() {
        Authenticator hs256 = new Authenticator(new ApiConfig.Jwt(ApiConfig.JwtAlgorithm.HS256, SECRET, "", "", "", 5));
        String[] parts = valid("mallory").sign(Algorithm.HMAC256(SECRET)).split("\\.");
        String admin = Base64.getUrlEncoder().withoutPadding().encodeToString(("{\"sub\":\"mallory\",\"roles\":[\"admin\"],\"exp\":"
                + Instant.now().plusSeconds(60).getEpochSecond() + "}").getBytes(StandardCharsets.UTF_8));
        assertEquals("the token's signature is invalid", refusal(hs256, parts[0] + "." + admin + "." + parts[2]));
    }

    @Test
    void aTokenNotValidYetIsRefusedBeyondTheLeeway() {
        Authenticator hs256 = new Authenticator(new ApiConfig.Jwt(ApiConfig.JwtAlgorithm.HS256, SECRET, "", "", "", 5));
        Algorithm hmac = Algorithm.HMAC256(SECRET);
        String later = valid("mallory").withNotBefore(Instant.now().plusSeconds(60)).sign(hmac);
        assertEquals("the token's 'nbf' claim is not accepted here", refusal(hs256, later));
        String almost = valid("alice").withNotBefore(Instant.now().plusSeconds(2)).sign(hmac);
        assertEquals("alice", hs256.verify("Bearer " + almost).subject(), "within the leeway");
    }
}
