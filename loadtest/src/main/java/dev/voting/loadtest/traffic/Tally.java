package dev.voting.loadtest.traffic;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a simulation saw, by phase: answers per kind of call and status code (0 = no answer: a
 * timeout or a reset), and the latency of the vote calls. Filled from Gatling's threads; read once
 * at the end into a {@link RunRecord}.
 */
public final class Tally {
    /** The kinds of call a simulation makes. */
    public enum Kind { FIRST_VOTE, REPEAT_VOTE, RESULTS }

    private record Key(String phase, Kind kind, int status) {
    }

    private final Map<Key, LongAdder> answers = new ConcurrentHashMap<>();
    private final Map<String, LatencyHistogram> voteLatency = new ConcurrentHashMap<>();
    private final List<String> phaseOrder = new CopyOnWriteArrayList<>();
    private final AtomicLong firstAt = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong lastAt = new AtomicLong();

    /** {@code status} 0 means no answer; {@code millis} is ignored then. */
    public void record(String phase, Kind kind, int status, long millis, long epochMillis) {
        if (!phaseOrder.contains(phase)) {
            synchronized (phaseOrder) {
                if (!phaseOrder.contains(phase)) {
                    phaseOrder.add(phase);
                }
            }
        }
        answers.computeIfAbsent(new Key(phase, kind, status), k -> new LongAdder()).increment();
        if (status != 0 && kind != Kind.RESULTS) {
            voteLatency.computeIfAbsent(phase, p -> new LatencyHistogram()).record(millis);
            voteLatency.computeIfAbsent(RunRecord.ALL, p -> new LatencyHistogram()).record(millis);
        }
        firstAt.accumulateAndGet(epochMillis - Math.max(0, millis), Math::min);
        lastAt.accumulateAndGet(epochMillis, Math::max);
    }

    public RunRecord toRecord(String simulation, String baseUrl, long pollId, double targetRate) {
        List<String> names = new ArrayList<>(phaseOrder);
        names.add(RunRecord.ALL);
        List<RunRecord.Phase> phases = new ArrayList<>();
        for (String phase : names) {
            Map<String, Map<Integer, Long>> codes = new LinkedHashMap<>();
            for (Kind kind : Kind.values()) {
                Map<Integer, Long> byStatus = new TreeMap<>();
                answers.forEach((key, count) -> {
                    if (key.kind() == kind && (phase.equals(RunRecord.ALL) || key.phase().equals(phase))) {
                        byStatus.merge(key.status(), count.sum(), Long::sum);
                    }
                });
                codes.put(kind.name(), byStatus);
            }
            LatencyHistogram latency = voteLatency.getOrDefault(phase, new LatencyHistogram());
            phases.add(new RunRecord.Phase(phase, codes, latency.summary()));
        }
        long first = firstAt.get() == Long.MAX_VALUE ? 0 : firstAt.get();
        return new RunRecord(simulation, baseUrl, pollId, targetRate, first, lastAt.get(), phases);
    }
}
