package dev.voting.api.vote;

import dev.voting.shared.redis.ScriptPipeline;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A vote its publish lane must admit in Redis before publishing it: the admission script's call, how
 * its reply reads ({@code verdict}), and the one future its request waits on ({@code outcome}).
 */
record LaneClaim(ScriptPipeline.Call script, Function<CompletableFuture<Object>, Admission> verdict,
                 CompletableFuture<Admission> outcome) {

    /** The verdict of the script once it ran; a reply that cannot be read may have claimed. */
    Admission read() {
        try {
            return verdict.apply(script.reply());
        } catch (RuntimeException e) {
            return new Admission.Unavailable(true, e.toString());
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
