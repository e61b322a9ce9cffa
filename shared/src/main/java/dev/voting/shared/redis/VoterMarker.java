package dev.voting.shared.redis;

import java.util.UUID;

/**
 * What Redis remembers of a voter's vote in a poll: written as a short-lived claim by the API when
 * it accepts the vote, and for good by the worker once the vote is counted.
 */
public record VoterMarker(UUID voteId, long candidateId) {

    public String encode() {
        return voteId + " " + candidateId;
    }

    public static VoterMarker decode(String value) {
        int space = value.indexOf(' ');
        return new VoterMarker(UUID.fromString(value.substring(0, space)), Long.parseLong(value.substring(space + 1)));
    }
}
