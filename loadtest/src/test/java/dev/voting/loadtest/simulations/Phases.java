package dev.voting.loadtest.simulations;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Named stretches of a run, in order: which one a call falls into, from the time since the first call. */
record Phases(List<Phase> list) {
    record Phase(String name, Duration length) {
    }

    static Phases of(Object... nameLengthPairs) {
        List<Phase> phases = new ArrayList<>();
        for (int i = 0; i < nameLengthPairs.length; i += 2) {
            phases.add(new Phase((String) nameLengthPairs[i], (Duration) nameLengthPairs[i + 1]));
        }
        return new Phases(List.copyOf(phases));
    }

    /** The phase at {@code elapsed}; calls after the last phase still belong to it (slow answers, the tail). */
    String at(Duration elapsed) {
        Duration end = Duration.ZERO;
        for (Phase phase : list) {
            end = end.plus(phase.length());
            if (elapsed.compareTo(end) < 0) {
                return phase.name();
            }
        }
        return list.getLast().name();
    }
}
