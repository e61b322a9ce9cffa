package dev.voting.api.vote;

import dev.voting.shared.redis.ScriptPipeline;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A vote its publish lane must admit in Redis before publishing it: the admission script's call, how
 * its reply reads ({@code verdict}), and the one future its request waits on ({@code outcome}).
 */
record LaneClaim(ScriptPipeline.Call script, Verdict verdict, CompletableFuture<Admission> outcome) {

    /** Reads an admission script's complete reply: empty when the voter's claim was taken, else why the vote is refused. */
    @FunctionalInterface
    interface Verdict {
        Optional<Admission> refusal(CompletableFuture<Object> reply);
    }

    /** Why the script, once it ran, refused the vote, or empty when it claimed; a reply that cannot be read may have claimed. */
    Optional<Admission> refusal() {
        try {
            return verdict.refusal(script.reply());
        } catch (RuntimeException e) {
            return Optional.of(new Admission.Unavailable(true, e.toString()));
        }
    }

    /** A future for the admitted vote's message: its confirm, or its failure, completes the outcome. */
    CompletableFuture<Void> admitted() {
        CompletableFuture<Void> confirmed = new CompletableFuture<>();
        confirmed.whenComplete((done, e) -> outcome.complete(e == null ? Admission.Admitted.CONFIRMED
                : new Admission.Admitted(Optional.of(e instanceof PublishFailure f ? f
                : PublishFailure.unconfirmed(String.valueOf(e.getMessage()))))));
        return confirmed;
    }
}
