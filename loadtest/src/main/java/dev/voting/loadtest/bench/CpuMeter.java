package dev.voting.loadtest.bench;

import dev.voting.shared.config.Config;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * CPU seconds per component between two snapshots, from {@code /proc}: the API and worker JVMs,
 * RabbitMQ (the process listening on the AMQP port), PostgreSQL (the postmaster and all its
 * backends), Redis, the load client (wrk: reaped children of this JVM), this bench tool itself, and
 * "other" — whatever else kept the machine busy (other people's builds on a shared box).
 */
final class CpuMeter {
    static final List<String> COMPONENTS = List.of("api", "worker", "rabbitmq", "postgres", "redis", "client", "bench", "other");

    /** Ticks per component and the machine's busy ticks, at one instant. */
    record Snapshot(Map<String, Long> ticks, long machineBusy, long nanos) {
    }

    private final Supplier<List<Long>> api;
    private final Supplier<List<Long>> workers;
    private final long rabbitmq;
    private final long postgres;
    private final long redis;
    private final long self = ProcessHandle.current().pid();

    CpuMeter(Config config, Supplier<List<Long>> api, Supplier<List<Long>> workers) {
        this.api = api;
        this.workers = workers;
        this.rabbitmq = listener("RabbitMQ", port(config.rabbit().uri(), 5672));
        this.postgres = listener("PostgreSQL", port(URI.create(config.database().url().jdbcUrl().substring("jdbc:".length())), 5432));
        this.redis = listener("Redis", port(config.redis().uri(), 6379));
    }

    Snapshot snapshot() {
        Map<String, Long> ticks = new LinkedHashMap<>();
        ticks.put("api", sum(api.get()));
        ticks.put("worker", sum(workers.get()));
        ticks.put("rabbitmq", sum(List.of(rabbitmq)));
        long pg = sum(List.of(postgres));
        for (ProcStat.Times backend : ProcStat.children(postgres)) {
            pg += backend.ownTicks() + backend.reapedChildrenTicks();
        }
        ticks.put("postgres", pg);
        ticks.put("redis", sum(List.of(redis)));
        ProcStat.Times me = ProcStat.times(self).orElseThrow();
        ticks.put("client", me.reapedChildrenTicks());
        ticks.put("bench", me.ownTicks());
        return new Snapshot(ticks, ProcStat.machineBusyTicks(), System.nanoTime());
    }

    /** Seconds per component, "other" last: the machine's busy time that none of the components account for. */
    static Map<String, Double> seconds(Snapshot before, Snapshot after) {
        Map<String, Double> seconds = new LinkedHashMap<>();
        long known = 0;
        for (String component : COMPONENTS) {
            if (component.equals("other")) {
                continue;
            }
            long delta = Math.max(0, after.ticks().get(component) - before.ticks().get(component));
            known += delta;
            seconds.put(component, delta / ProcStat.TICKS_PER_SECOND);
        }
        seconds.put("other", Math.max(0, after.machineBusy() - before.machineBusy() - known) / ProcStat.TICKS_PER_SECOND);
        return seconds;
    }

    private static long sum(List<Long> pids) {
        long total = 0;
        for (long pid : pids) {
            total += ProcStat.times(pid).map(t -> t.ownTicks() + t.reapedChildrenTicks()).orElse(0L);
        }
        return total;
    }

    private static int port(URI uri, int fallback) {
        return uri.getPort() == -1 ? fallback : uri.getPort();
    }

    private static long listener(String what, int port) {
        return ProcStat.listener(port).orElseThrow(() -> new IllegalStateException(
                "no process listens on port " + port + " for " + what + " (is it local and running?)"));
    }
}
