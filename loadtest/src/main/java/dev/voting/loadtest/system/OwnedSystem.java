package dev.voting.loadtest.system;

import java.nio.file.Path;
import java.util.Map;

/**
 * A system a load tool started for itself: its slice and its processes, removed once, in reverse
 * order, when the tool ends — also on Ctrl-C. {@code KEEP=1} keeps the slice's data for a look.
 */
public final class OwnedSystem implements AutoCloseable {
    private final Slice slice;
    private final boolean keep;
    private SystemUnderTest system;
    private boolean closed;

    private OwnedSystem(Slice slice, boolean keep) {
        this.slice = slice;
        this.keep = keep;
    }

    /** {@code apiPort} 0 picks a free port. */
    public static OwnedSystem start(Map<String, String> environment, int apiPort, SystemUnderTest.Options options, Path runsFolder) {
        OwnedSystem owned = new OwnedSystem(Slice.create(environment, apiPort), "1".equals(environment.get("KEEP")));
        Runtime.getRuntime().addShutdownHook(new Thread(owned::close, "loadtest-cleanup"));
        System.out.printf("starting the API and %d worker(s) on %s (slice %s: own schema, queue and keys; rate and per-client limits off)%n",
                options.workers(), owned.slice.baseUrl(), owned.slice.name());
        owned.system = SystemUnderTest.start(owned.slice, options, runsFolder.resolve(owned.slice.name()));
        return owned;
    }

    public Slice slice() {
        return slice;
    }

    public SystemUnderTest system() {
        return system;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (system != null) {
            system.close();
        }
        if (keep) {
            System.out.println("KEEP=1: slice " + slice.name() + " kept (schema, queue " + slice.config().common().rabbit().queue()
                    + ", keys " + slice.name() + ":*)");
        } else {
            slice.drop();
        }
    }
}
