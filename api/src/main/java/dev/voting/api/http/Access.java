package dev.voting.api.http;

/** Who may call a route. */
public enum Access {
    ANYONE,
    /** Any holder of a valid token; the token's subject is the voter. */
    VOTER,
    /** A valid token whose {@code roles} claim contains {@code admin}. */
    ADMIN
}
