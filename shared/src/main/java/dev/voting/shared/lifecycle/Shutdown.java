package dev.voting.shared.lifecycle;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The resources of a process, closed in reverse order of registration (LIFO), each within a bound,
 * so that a stuck client cannot keep the process from exiting.
 */
public final class Shutdown implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Shutdown.class);

    private record Step(String name, AutoCloseable resource, Duration bound) {
    }

    private final Deque<Step> steps = new ArrayDeque<>();
    private boolean closed;

    public synchronized <T extends AutoCloseable> T register(String name, T resource) {
        return register(name, resource, Duration.ofSeconds(10));
    }

    public synchronized <T extends AutoCloseable> T register(String name, T resource, Duration bound) {
        steps.push(new Step(name, resource, bound));
        return resource;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        while (!steps.isEmpty()) {
            Step step = steps.pop();
            Thread closer = Thread.ofVirtual().name("close-" + step.name()).start(() -> {
                try {
                    step.resource().close();
                } catch (Exception e) {
                    log.warn("closing {} failed: {}", step.name(), e.toString());
                }
            });
            try {
                if (!closer.join(step.bound())) {
                    log.warn("closing {} took longer than {} ms; moving on", step.name(), step.bound().toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Runs {@link #close()} when the JVM is asked to stop (SIGTERM, Ctrl-C). */
    public Shutdown onJvmExit() {
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "shutdown"));
        return this;
    }
}
