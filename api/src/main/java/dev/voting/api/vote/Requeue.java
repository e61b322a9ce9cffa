package dev.voting.api.vote;

/**
 * What a repeat finds of the claimed vote it is about to name, read in one step with the claim
 * itself: a claim given back between the repeat's admission and this look must not be named as the
 * vote that counts (it never will).
 */
sealed interface Requeue {
    /** Not settled by a worker yet: publish it again (same id, counted once); its claim can no longer be given back. */
    record Pending(String voteJson) implements Requeue {
    }

    /** A worker settled it, and the claim still names it: it is the vote that counts. */
    record Settled() implements Requeue {
    }

    /** The claim was given back (or replaced) since the repeat's admission: admit the repeat again. */
    record GivenBack() implements Requeue {
    }
}
