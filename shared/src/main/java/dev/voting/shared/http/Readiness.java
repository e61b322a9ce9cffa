package dev.voting.shared.http;

import dev.voting.shared.lifecycle.Dependency;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks every dependency at once whether it answers, each within a bound, so that one that hangs
 * cannot hang the probe. Used by {@code /readyz} in both processes.
 */
public final class Readiness {
    private final Map<Dependency, Callable<Boolean>> checks;
    private final Duration bound;

    public Readiness(Map<Dependency, Callable<Boolean>> checks, Duration bound) {
        this.checks = new EnumMap<>(checks);
        this.bound = bound;
    }

    /** The dependencies that did not answer in time, in a stable order; empty when all are up. */
    public List<Dependency> down() throws InterruptedException {
        Map<Dependency, Future<Boolean>> running = new EnumMap<>(Dependency.class);
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            checks.forEach((dependency, check) -> running.put(dependency, executor.submit(check)));
            long deadline = System.nanoTime() + bound.toNanos();
            List<Dependency> down = new ArrayList<>();
            for (Map.Entry<Dependency, Future<Boolean>> entry : running.entrySet()) {
                try {
                    if (!entry.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                        down.add(entry.getKey());
                    }
                } catch (ExecutionException | TimeoutException e) {
                    down.add(entry.getKey());
                }
            }
            executor.shutdownNow();
            return down;
        }
    }
}
