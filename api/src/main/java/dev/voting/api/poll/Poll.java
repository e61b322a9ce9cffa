package dev.voting.api.poll;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.time.Instant;
import java.util.List;

/**
 * A poll with its candidates in ballot order. {@code closesAt} is when it stops taking votes: the
 * time set at creation or the time an admin's close takes effect, whichever is earlier; null while
 * neither is set. The worker judges every vote's {@code acceptedAt} against the same time (G8).
 */
public record Poll(long id, String title, Instant createdAt, Instant closesAt, List<Candidate> candidates) {

    /** The poll as the API shows it at one instant: {@code status} is derived, so it needs the clock. */
    @JsonPropertyOrder({"id", "title", "status", "createdAt", "closesAt", "candidates"})
    public record Shown(long id, String title, String status, Instant createdAt, Instant closesAt, List<Candidate> candidates) {
    }

    public boolean isOpenAt(Instant instant) {
        return closesAt == null || instant.isBefore(closesAt);
    }

    public String statusAt(Instant instant) {
        return isOpenAt(instant) ? "open" : "closed";
    }

    public Shown shownAt(Instant instant) {
        return new Shown(id, title, statusAt(instant), createdAt, closesAt, candidates);
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
