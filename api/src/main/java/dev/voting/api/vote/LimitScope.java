package dev.voting.api.vote;

import java.util.Locale;

/** Whose token bucket ran empty: the voter's, or the client address's. */
enum LimitScope {
    VOTER, IP;

    /** How a 429 names it: "too many votes from this voter". */
    String noun() {
        return name().toLowerCase(Locale.ROOT);
    }
}
