package dev.voting.loadtest.traffic;

import java.util.List;
import java.util.Map;

/**
 * What a simulation writes for {@code make loadtest} to check after Gatling has finished: the poll
 * it voted on, its answers by phase, kind and status, and the vote latency. Times are epoch ms.
 */
public record RunRecord(String simulation, String baseUrl, long pollId, double targetRate,
                        long firstRequestAt, long lastAnswerAt, List<Phase> phases) {

    /** The phase that adds up all the others. */
    public static final String ALL = "all";

    /** {@code codes}: kind ({@link Tally.Kind} name) → HTTP status (0 = no answer) → count. */
    public record Phase(String name, Map<String, Map<Integer, Long>> codes, LatencyHistogram.Latency voteLatency) {
        public long count(Tally.Kind kind, int status) {
            return codes.getOrDefault(kind.name(), Map.of()).getOrDefault(status, 0L);
        }

        public long total(Tally.Kind kind) {
            return codes.getOrDefault(kind.name(), Map.of()).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    public Phase all() {
        return phase(ALL);
    }

    public Phase phase(String name) {
        return phases.stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no phase " + name + " in the run record"));
    }

    public double seconds() {
        return Math.max(0.001, (lastAnswerAt - firstRequestAt) / 1000.0);
    }
}
