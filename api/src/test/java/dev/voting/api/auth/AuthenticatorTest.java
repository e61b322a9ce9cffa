package dev.voting.api.auth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import dev.voting.api.ApiConfig;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuthenticatorTest {
    private static final String SECRET = "unit-test-secret-of-enough-length-0123";
    private static final ApiConfig.Jwt HS256 = new ApiConfig.Jwt(ApiConfig.JwtAlgorithm.HS256, SECRET, "", "", "", 5);
    private final Authenticator authenticator = new Authenticator(HS256);

    private static String bearer(String token) {
        return "Bearer " + token;
    }

    private static com.auth0.jwt.JWTCreator.Builder valid(String subject) {
        return JWT.create().withSubject(subject).withExpiresAt(Instant.now().plusSeconds(60));
    }

    private static String refusal(Authenticator authenticator, String header) {
        TokenRefusedException e = assertThrows(TokenRefusedException.class, () -> authenticator.verify(header));
        assertFalse(e.getMessage().contains(SECRET));
        return e.getMessage();
    }

    @Test
    void validTokenNamesTheVoterAndRoles() {
        Principal principal = authenticator.verify(bearer(valid("alice").withClaim("roles", List.of("admin", "voter"))
                .sign(Algorithm.HMAC256(SECRET))));
        assertEquals("alice", principal.subject());
        assertEquals(Set.of("admin", "voter"), principal.roles());
        assertTrue(principal.isAdmin());
        assertFalse(authenticator.verify(bearer(valid("bob").sign(Algorithm.HMAC256(SECRET)))).isAdmin());
    }

    @Test
    void aDoubledSchemeIsNamedAsSuch() {
        String token = valid("alice").sign(Algorithm.HMAC256(SECRET));
        String detail = refusal(authenticator, "Bearer Bearer " + token);  // "Bearer ey…" pasted into Swagger UI's dialog
        assertTrue(detail.startsWith("the Authorization header names the Bearer scheme twice"), detail);
        assertTrue(refusal(authenticator, "bearer  BEARER " + token).contains("twice"));
    }

    @Test
    void expiredTokenIsRefusedBeyondTheLeeway() {
        String expired = JWT.create().withSubject("alice").withExpiresAt(Instant.now().minusSeconds(30)).sign(Algorithm.HMAC256(SECRET));
        assertEquals("the token has expired", refusal(authenticator, bearer(expired)));
        String withinLeeway = JWT.create().withSubject("alice").withExpiresAt(Instant.now().minusSeconds(2)).sign(Algorithm.HMAC256(SECRET));
        assertEquals("alice", authenticator.verify(bearer(withinLeeway)).subject());
    }

    @Test
    void tokenWithoutExpiryIsRefused() {
        String eternal = JWT.create().withSubject("alice").sign(Algorithm.HMAC256(SECRET));
        assertEquals("the token has no 'exp' claim", refusal(authenticator, bearer(eternal)));
    }

    @Test
    void tokenWithoutSignatureIsRefused() {
        String unsigned = valid("alice").sign(Algorithm.none());
        assertEquals("the token's algorithm is not the one this server accepts", refusal(authenticator, bearer(unsigned)));
    }

    @Test
    void tokenSignedWithAnotherSecretIsRefused() {
        String forged = valid("alice").sign(Algorithm.HMAC256("another-secret-of-enough-length-xxxxx"));
        assertEquals("the token's signature is invalid", refusal(authenticator, bearer(forged)));
    }

    @Test
    void hmacTokenSignedWithThePublicKeyIsRefusedByAnRsaServer() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        String pem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(keys.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
        Authenticator rsa = new Authenticator(new ApiConfig.Jwt(ApiConfig.JwtAlgorithm.RS256, "", pem, "", "", 5));
        String genuine = valid("alice").sign(Algorithm.RSA256((RSAPublicKey) keys.getPublic(), (RSAPrivateKey) keys.getPrivate()));
        assertEquals("alice", rsa.verify(bearer(genuine)).subject());
        // Key confusion: the attacker knows the public key and signs with it as an HMAC secret.
        String confused = valid("mallory").sign(Algorithm.HMAC256(pem.getBytes(StandardCharsets.UTF_8)));
        assertEquals("the token's algorithm is not the one this server accepts", refusal(rsa, bearer(confused)));
    }

    @Test
    void issuerAndAudienceAreCheckedWhenConfigured() {
        Authenticator strict = new Authenticator(new ApiConfig.Jwt(ApiConfig.JwtAlgorithm.HS256, SECRET, "", "https://issuer", "voting", 5));
        Algorithm hmac = Algorithm.HMAC256(SECRET);
        assertEquals("alice", strict.verify(bearer(valid("alice").withIssuer("https://issuer").withAudience("voting").sign(hmac))).subject());
        assertEquals("the token's 'iss' claim is not accepted here",
                refusal(strict, bearer(valid("alice").withIssuer("https://evil").withAudience("voting").sign(hmac))));
        assertEquals("the token's 'aud' claim is not accepted here",
                refusal(strict, bearer(valid("alice").withIssuer("https://issuer").withAudience("other").sign(hmac))));
        assertEquals("the token has no 'iss' claim", refusal(strict, bearer(valid("alice").withAudience("voting").sign(hmac))));
    }

    @Test
    void malformedHeadersAndSubjectsAreRefused() {
        Algorithm hmac = Algorithm.HMAC256(SECRET);
        assertEquals("the Authorization header must use the Bearer scheme", refusal(authenticator, "Basic YWxpY2U6cHc="));
        assertEquals("the bearer token is empty or too long", refusal(authenticator, "Bearer "));
        assertEquals("the token is not a well-formed JWT", refusal(authenticator, "Bearer not.a.jwt"));
        assertTrue(refusal(authenticator, bearer(valid("x".repeat(129)).sign(hmac))).startsWith("the token's subject"));
        assertEquals("the token's 'roles' claim must be an array of strings",
                refusal(authenticator, bearer(valid("alice").withClaim("roles", "admin").sign(hmac))));
        assertEquals("the token has no 'sub' claim",
                refusal(authenticator, bearer(JWT.create().withExpiresAt(Instant.now().plusSeconds(60)).sign(hmac))));
    }

    /**
     * The voter is the token's {@code sub}: 1 to 128 characters that every store and the queue can
     * carry. A subject that cannot be encoded (an unpaired surrogate) used to pass here and fail
     * the whole publish batch it joined; each refusal says why.
     */
    @Test
    void subjectsThatCannotBeAVoterAreRefusedWithTheReason() {
        Algorithm hmac = Algorithm.HMAC256(SECRET);
        assertEquals("the token's subject must have 1 to 128 characters, not 0", refusal(authenticator, bearer(valid("").sign(hmac))));
        assertEquals("the token's subject must have 1 to 128 characters, not 129",
                refusal(authenticator, bearer(valid("x".repeat(129)).sign(hmac))));
        assertEquals("the token's subject must have 1 to 128 characters, not 5000",
                refusal(authenticator, bearer(valid("x".repeat(5000)).sign(hmac))));
        assertEquals("the token's subject must not contain control characters (U+0000 at index 3)",
                refusal(authenticator, bearer(valid("mal\u0000lory").sign(hmac))));
        assertEquals("the token's subject must not contain control characters (U+0007 at index 3)",
                refusal(authenticator, bearer(valid("mal\u0007lory").sign(hmac))));
        assertEquals("the token's subject must not contain control characters (U+000A at index 0)",
                refusal(authenticator, bearer(valid("\nalice").sign(hmac))));
        assertEquals("the token's subject must not contain control characters (U+007F at index 5)",
                refusal(authenticator, bearer(valid("alice\u007f").sign(hmac))));
        assertEquals("the token's subject must not contain control characters (U+0085 at index 1)",
                refusal(authenticator, bearer(valid("a\u0085b").sign(hmac))));
    }

    /** JSON escapes can carry what no UTF-8 can: half a surrogate pair, which the JWT library decodes as is. */
    @Test
    void subjectsWithAnUnpairedSurrogateAreRefused() {
        assertEquals("the token's subject must not contain an unpaired surrogate (U+D83D at index 5)",
                refusal(authenticator, bearer(withPayload("{\"sub\":\"alice\\ud83d\",\"exp\":" + inAMinute() + "}"))));
        assertEquals("the token's subject must not contain an unpaired surrogate (U+D83D at index 0)",
                refusal(authenticator, bearer(withPayload("{\"sub\":\"\\ud83dalice\",\"exp\":" + inAMinute() + "}"))));
        assertEquals("the token's subject must not contain an unpaired surrogate (U+DE00 at index 2)",
                refusal(authenticator, bearer(withPayload("{\"sub\":\"al\\ude00ice\",\"exp\":" + inAMinute() + "}"))));
        assertEquals("the token's subject must not contain an unpaired surrogate (U+DE00 at index 0)",
                refusal(authenticator, bearer(withPayload("{\"sub\":\"\\ude00\\ud83d\",\"exp\":" + inAMinute() + "}"))),
                "a pair in the wrong order is two unpaired halves");
        assertEquals("the token's subject must not contain an unpaired surrogate (U+D83D at index 0)",
                refusal(authenticator, bearer(withPayload("{\"sub\":\"\\ud83d\\ud83d\\ude00\",\"exp\":" + inAMinute() + "}"))),
                "a high half followed by a whole pair");
    }

    @Test
    void subjectsInAnyScriptAreAccepted() {
        Algorithm hmac = Algorithm.HMAC256(SECRET);
        for (String subject : List.of("zoë", "Ωμέγα", "用户-42", "\ud83d\ude00", "voter \ud83c\udff3\ufe0f\u200d\ud83c\udf08", "x".repeat(128))) {
            assertEquals(subject, authenticator.verify(bearer(valid(subject).sign(hmac))).subject());
        }
        assertEquals("\ud83d\ude00", authenticator.verify(bearer(withPayload(
                "{\"sub\":\"\\ud83d\\ude00\",\"exp\":" + inAMinute() + "}"))).subject(), "a pair written as two escapes");
    }

    /** A token whose payload is exactly {@code json}, signed with the test secret: for subjects no JWT library writes. */
    private static String withPayload(String json) {
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        byte[] header = base64.encode("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        byte[] payload = base64.encode(json.getBytes(StandardCharsets.UTF_8));
        byte[] signature = Algorithm.HMAC256(SECRET).sign(header, payload);
        return new String(header, StandardCharsets.US_ASCII) + "." + new String(payload, StandardCharsets.US_ASCII) + "."
                + base64.encodeToString(signature);
    }

    private static long inAMinute() {
        return Instant.now().plusSeconds(60).getEpochSecond();
    }
}
