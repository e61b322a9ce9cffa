package dev.voting.worker;

import dev.voting.shared.vote.Vote;

import java.util.List;
import java.util.Map;

/**
 * What one committed batch did. {@code counts} holds the absolute counts of every poll the batch
 * touched, read after its own update, which is what Redis is brought up to.
 */
public record BatchResult(List<Vote> counted, Map<String, Integer> rejectedByReason, int duplicates,
                   Map<Long, Map<Long, Long>> counts) {

    public int rejected() {
        return rejectedByReason.values().stream().mapToInt(Integer::intValue).sum();
    }
}
