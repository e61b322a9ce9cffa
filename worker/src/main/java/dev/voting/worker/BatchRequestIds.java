package dev.voting.worker;

import dev.voting.shared.logging.RequestIds;
import dev.voting.shared.vote.Vote;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The request ids of a batch, for the MDC of the lines the worker logs while it holds the batch,
 * so that an operator can follow one request from the API's log into the worker's. Only ids of
 * the safe shape are kept (messages come from the queue, not only from our API), and a big batch
 * lists its first few.
 */
final class BatchRequestIds {
    static final int MAX_LISTED = 10;

    private BatchRequestIds() {
    }

    /** The distinct request ids of the votes, comma-separated; "…" when more were left out; null when none. */
    static String of(List<Inbound.Readable> deliveries) {
        Set<String> ids = new LinkedHashSet<>();
        boolean more = false;
        for (Inbound.Readable delivery : deliveries) {
            for (Vote vote : delivery.votes()) {
                if (!RequestIds.isValid(vote.requestId())) {
                    continue;
                }
                if (ids.size() == MAX_LISTED) {
                    more |= !ids.contains(vote.requestId());
                    continue;
                }
                ids.add(vote.requestId());
            }
        }
        if (ids.isEmpty()) {
            return null;
        }
        return String.join(",", ids) + (more ? ",…" : "");
    }
}
