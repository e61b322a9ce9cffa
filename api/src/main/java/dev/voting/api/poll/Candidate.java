package dev.voting.api.poll;

public record Candidate(long id, String name) {
}
