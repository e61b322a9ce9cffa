package dev.voting.api.client;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * At most {@code maxPerClient} of something (requests in flight, live results viewers) per client,
 * so that one address cannot take what every client shares: connections, threads, the vote slots.
 * A client is counted only while it holds a place: an address that leaves costs no memory.
 */
public final class ClientGate {
    private final int maxPerClient;
    private final ConcurrentMap<String, Integer> held = new ConcurrentHashMap<>();

    public ClientGate(int maxPerClient) {
        this.maxPerClient = maxPerClient;
    }

    /** A place for {@code client} (a {@link ClientAddresses#limitKey}), or empty when it holds its maximum already. */
    public Optional<Pass> enter(String client) {
        AtomicBoolean admitted = new AtomicBoolean();
        held.compute(client, (key, count) -> {
            int now = count == null ? 0 : count;
            if (now >= maxPerClient) {
                return count;
            }
            admitted.set(true);
            return now + 1;
        });
        return admitted.get() ? Optional.of(new Pass(client)) : Optional.empty();
    }

    public int maxPerClient() {
        return maxPerClient;
    }

    /** Clients holding at least one place. */
    public int clients() {
        return held.size();
    }

    private void leave(String client) {
        held.computeIfPresent(client, (key, count) -> count <= 1 ? null : count - 1);
    }

    /** One place; closing it twice gives it back once. */
    public final class Pass implements AutoCloseable {
        private final String client;
        private final AtomicBoolean open = new AtomicBoolean(true);

        private Pass(String client) {
            this.client = client;
        }

        @Override
        public void close() {
            if (open.compareAndSet(true, false)) {
                leave(client);
            }
        }
    }
}
