package dev.voting.api.poll;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * A poll with its candidates in ballot order. It is open until an admin closes it
 * ({@code closedAt}) or its {@code closesAt} passes, whichever comes first.
 */
@JsonPropertyOrder({"id", "title", "status", "createdAt", "closesAt", "candidates"})
public record Poll(long id, String title, Instant createdAt, Instant closesAt,
                   @JsonIgnore Instant closedAt, List<Candidate> candidates) {

    public boolean isOpenAt(Instant instant) {
        return (closedAt == null || instant.isBefore(closedAt)) && (closesAt == null || instant.isBefore(closesAt));
    }

    @JsonProperty("status")
    public String status() {
        return isOpenAt(Clock.systemUTC().instant()) ? "open" : "closed";
    }

    public boolean hasCandidate(long candidateId) {
        for (Candidate candidate : candidates) {
            if (candidate.id() == candidateId) {
                return true;
            }
        }
        return false;
    }
}
