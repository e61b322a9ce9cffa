package dev.voting.api.auth;

/**
 * A request's bearer token is missing or not accepted; the message says why, never with the token
 * or the key in it. The HTTP layer answers it with 401 {@code invalid_token}.
 */
public final class TokenRefusedException extends RuntimeException {
    TokenRefusedException(String why) {
        super(why, null, false, false);  // an expected refusal: no stack trace to fill
    }
}
