package dev.voting.loadtest.bench;

import dev.voting.shared.config.Config;

import java.net.URI;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * CPU seconds per component between two snapshots, from {@code /proc}: the API and worker JVMs,
 * RabbitMQ (the process listening on the AMQP port), PostgreSQL (the postmaster and all its
 * backends), Redis, the load client (wrk: reaped children of this JVM), this bench tool itself, and
 * "other" — whatever else kept the machine busy (other people's builds on a shared box).
 */
final class CpuMeter {
    static final List<String> COMPONENTS = List.of("api", "worker", "rabbitmq", "postgres", "redis", "client", "bench", "other");

    /** Ticks per component, the machine's busy ticks, and every other process's own ticks, at one instant. */
    record Snapshot(Map<String, Long> ticks, long machineBusy, long nanos, Map<Long, Long> others) {
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
        Set<Long> known = new HashSet<>(List.of(rabbitmq, postgres, redis, self));
        known.addAll(api.get());
        known.addAll(workers.get());
        ticks.put("api", sum(api.get()));
        ticks.put("worker", sum(workers.get()));
        ticks.put("rabbitmq", sum(List.of(rabbitmq)));
        long pg = sum(List.of(postgres));
        Map<Long, Long> others = new HashMap<>();
        for (ProcStat.Times process : ProcStat.all()) {
            if (process.parent() == postgres) {
                pg += process.ownTicks() + process.reapedChildrenTicks();
            } else if (!known.contains(process.pid()) && process.parent() != self) {
                others.put(process.pid(), process.ownTicks());
            }
        }
        ticks.put("postgres", pg);
        ticks.put("redis", sum(List.of(redis)));
        ProcStat.Times me = ProcStat.times(self).orElseThrow();
        ticks.put("client", me.reapedChildrenTicks());
        ticks.put("bench", me.ownTicks());
        return new Snapshot(ticks, ProcStat.machineBusyTicks(), System.nanoTime(), others);
    }

    /**
     * The processes outside the system that used the most CPU between two snapshots, "name pid: seconds",
     * so that a reader can tell load the system made from other people's builds on a shared machine.
     */
    static List<String> busiestOthers(Snapshot before, Snapshot after, int limit) {
        return after.others().entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.others().getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() >= ProcStat.TICKS_PER_SECOND / 2)
                .sorted(Map.Entry.<Long, Long>comparingByValue().reversed())
                .limit(limit)
                .map(e -> String.format(Locale.ROOT, "%s %d: %.1f s", ProcStat.describe(e.getKey()), e.getKey(),
                        e.getValue() / ProcStat.TICKS_PER_SECOND))
                .toList();
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
