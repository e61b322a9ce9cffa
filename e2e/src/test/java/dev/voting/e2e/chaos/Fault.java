package dev.voting.e2e.chaos;

import dev.voting.e2e.chaos.LoadGenerator.Poll;

/**
 * One injected failure, at a fixed point of the run ({@code at} is a fraction of its length), on the
 * track of the component it strikes: the faults of a track strike one after the other, the tracks
 * side by side. {@code inject} returns false when the fault could not be made to happen as described,
 * so that a run in which a fault silently did nothing cannot pass.
 */
record Fault(String name, Track track, double at, Injection injection) {
    /**
     * The component a fault strikes. A poll's close is a write to PostgreSQL, so it goes on that
     * track: it must not meet the read-only spell or the crash.
     */
    enum Track { WORKERS, BROKER, REDIS, POSTGRESQL, API }

    /**
     * What a fault acts on: the cluster, the load (for a burst of repeats, or a close sent through an
     * API), the poll to close, and the timeline, where it names every PID it signals (a line each,
     * numbered with the fault's number).
     */
    record Stage(ChaosCluster cluster, LoadGenerator load, Poll closing, Timeline timeline) {
    }

    @FunctionalInterface
    interface Timeline {
        void note(String format, Object... args);
    }

    @FunctionalInterface
    interface Injection {
        boolean inject(Stage stage) throws Exception;
    }
}
