package dev.voting.api.poll;

import dev.voting.shared.http.ProblemException;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The body of {@code POST /polls}. {@code closesAt} is RFC 3339 text, so that epoch numbers are refused. */
public record NewPoll(String title, List<NewCandidate> candidates, String closesAt) {

    public record NewCandidate(String name) {
    }

    public static final int MAX_TITLE = 200;
    public static final int MAX_NAME = 100;
    public static final int MIN_CANDIDATES = 2;
    public static final int MAX_CANDIDATES = 100;

    /** The poll to create, checked field by field; throws 422 naming the first bad field. */
    public Validated validate(Instant now) {
        if (title == null || title.isBlank() || title.strip().length() > MAX_TITLE) {
            throw ProblemException.invalidFields("title must have 1 to " + MAX_TITLE + " characters");
        }
        if (candidates == null || candidates.size() < MIN_CANDIDATES || candidates.size() > MAX_CANDIDATES) {
            throw ProblemException.invalidFields("candidates must list " + MIN_CANDIDATES + " to " + MAX_CANDIDATES + " entries");
        }
        Set<String> seen = new HashSet<>();
        List<String> names = candidates.stream().map(c -> c == null ? null : c.name()).toList();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            if (name == null || name.isBlank() || name.strip().length() > MAX_NAME) {
                throw ProblemException.invalidFields("candidates[" + i + "].name must have 1 to " + MAX_NAME + " characters");
            }
            if (!seen.add(name.strip())) {
                throw ProblemException.invalidFields("candidates[" + i + "].name repeats another candidate's name");
            }
        }
        Instant closes = null;
        if (closesAt != null) {
            try {
                closes = OffsetDateTime.parse(closesAt).toInstant();
            } catch (DateTimeParseException e) {
                throw ProblemException.invalidFields("closesAt must be an RFC 3339 date-time such as 2030-01-31T20:00:00Z");
            }
            if (!closes.isAfter(now)) {
                throw ProblemException.invalidFields("closesAt must be in the future");
            }
        }
        return new Validated(title.strip(), names.stream().map(String::strip).toList(), closes);
    }

    public record Validated(String title, List<String> candidateNames, Instant closesAt) {
    }
}
