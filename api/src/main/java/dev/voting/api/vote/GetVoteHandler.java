package dev.voting.api.vote;

import dev.voting.api.auth.Principal;
import dev.voting.api.http.Call;
import dev.voting.api.http.Handler;
import dev.voting.shared.http.ProblemException;
import dev.voting.shared.http.Response;

import java.util.UUID;

/**
 * {@code GET /api/v1/votes/{voteId}}: for the voter who cast it, or an admin. Anyone else gets the
 * same 404 as for a vote that does not exist, so that vote ids reveal nothing.
 */
public final class GetVoteHandler implements Handler {
    private final VoteLookup lookup;

    public GetVoteHandler(VoteLookup lookup) {
        this.lookup = lookup;
    }

    @Override
    public Response handle(Call call) {
        String raw = call.pathParam("voteId");
        UUID voteId = parse(raw);
        Principal caller = call.principal();
        return lookup.find(voteId)
                .filter(vote -> caller.isAdmin() || vote.voterId().equals(caller.subject()))
                .map(vote -> Response.json(200, vote))
                .orElseThrow(() -> ProblemException.notFound("no vote " + voteId + " of yours"));
    }

    private static UUID parse(String raw) {
        if (raw != null && raw.length() == 36) {
            try {
                return UUID.fromString(raw);
            } catch (IllegalArgumentException ignored) {
                // falls through to the 404 below
            }
        }
        throw ProblemException.notFound("no vote with that id");
    }
}
