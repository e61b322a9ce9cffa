package dev.voting.api.vote;

import dev.voting.shared.redis.ScriptPipeline;
import dev.voting.shared.vote.VoteCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Turns the batch a publish lane took into its message. The votes still to be admitted are admitted
 * first, all in one Redis pipeline run from the lane's thread: the refused ones (already voted,
 * limited, epoch changed, Redis unavailable) are answered at once and leave the batch; the admitted
 * ones stay, now answered at their message's confirm. One hand-off per vote, one round trip per batch.
 */
final class BatchMessage {
    private static final Logger log = LoggerFactory.getLogger(BatchMessage.class);

    private final Consumer<List<ScriptPipeline.Call>> admissions;
    private final VoteCodec codec;

    /** {@code admissions} runs the calls in one round trip and completes every reply ({@link ScriptPipeline#run}). */
    BatchMessage(Consumer<List<ScriptPipeline.Call>> admissions, VoteCodec codec) {
        this.admissions = admissions;
        this.codec = codec;
    }

    /**
     * The message of what is left of {@code batch} once admitted (the batch keeps only what it
     * carries), or null when nothing is left or it cannot be encoded: then its votes fail, unsent.
     */
    VoteCodec.Encoded prepare(List<Unconfirmed.Pending> batch) {
        admit(batch);
        if (batch.isEmpty()) {
            return null;
        }
        try {
            return codec.encodeJson(batch.stream().map(Unconfirmed.Pending::voteJson).toList());
        } catch (RuntimeException e) {
            log.error("a batch of {} votes could not be encoded", batch.size(), e);
            Unconfirmed.fail(batch, PublishFailure.notQueued("the vote could not be encoded"));
            batch.clear();
            return null;
        }
    }

    private void admit(List<Unconfirmed.Pending> batch) {
        List<ScriptPipeline.Call> calls = new ArrayList<>(batch.size());
        for (Unconfirmed.Pending vote : batch) {
            if (vote.claim() != null) {
                calls.add(vote.claim().script());
            }
        }
        if (calls.isEmpty()) {
            return;  // requeued votes only: claimed long ago
        }
        admissions.accept(calls);
        for (ListIterator<Unconfirmed.Pending> each = batch.listIterator(); each.hasNext(); ) {
            Unconfirmed.Pending vote = each.next();
            LaneClaim claim = vote.claim();
            if (claim == null) {
                continue;
            }
            Optional<Admission> refusal = claim.refusal();
            if (refusal.isEmpty()) {  // claimed: answered at its message's confirm
                each.set(new Unconfirmed.Pending(vote.voteJson(), claim.admitted(), vote.submittedAt()));
            } else {
                claim.outcome().complete(refusal.get());
                each.remove();
            }
        }
    }
}
