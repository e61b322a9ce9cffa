package dev.voting.e2e.chaos;

/**
 * One injected failure, at a fixed point of the run ({@code at} is a fraction of its length).
 * {@code inject} returns false when the fault could not be made to happen as described, so that a
 * run in which a fault silently did nothing cannot pass.
 */
record Fault(String name, double at, Injection injection) {
    @FunctionalInterface
    interface Injection {
        boolean inject(ChaosCluster cluster) throws Exception;
    }
}
