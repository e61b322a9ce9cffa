package dev.voting.api.http;

import java.io.IOException;

/**
 * What the router learns about one request (its route template, whether it was shed) for the filter
 * around it. Not exchange attributes: the JDK server keeps those per context, shared by every request
 * in flight, so one request would read another's. The filter and the router run on the request's
 * one thread, which {@link #during} binds these facts to.
 */
public final class RequestFacts {
    private static final ScopedValue<RequestFacts> CURRENT = ScopedValue.newInstance();

    /** The rest of the request, as the filter chain runs it. */
    @FunctionalInterface
    public interface Work {
        void run() throws IOException;
    }

    private String route = "unmatched";
    private boolean shed;

    /** Runs {@code work} (the rest of the chain) with these facts for the router to fill in. */
    public void during(Work work) throws IOException {
        ScopedValue.where(CURRENT, this).call(() -> {
            work.run();
            return null;
        });
    }

    /** The facts of the request on this thread; outside {@link #during} (a router alone, in tests), ones nobody reads. */
    static RequestFacts current() {
        return CURRENT.isBound() ? CURRENT.get() : new RequestFacts();
    }

    void route(String template) {
        this.route = template;
    }

    void shed() {
        this.shed = true;
    }

    /** The matched template, or {@code unmatched}. */
    public String route() {
        return route;
    }

    /** True when the answer was a deliberate 503 that sheds load. */
    public boolean wasShed() {
        return shed;
    }
}
