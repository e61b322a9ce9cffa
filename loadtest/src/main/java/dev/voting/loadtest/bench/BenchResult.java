package dev.voting.loadtest.bench;

import java.util.List;
import java.util.Map;

/** Everything one {@code make bench} measured; written as JSON next to the markdown table. */
record BenchResult(String date, Machine machine, Settings settings, List<LoadPhase> load, List<BarePhase> bare, Drain drain,
                   List<Goal> goals) {

    /** Where it ran: the numbers mean little without it. */
    record Machine(String cpu, int cores, long memoryMiB, String kernel, String jdk, String commit, boolean uncommittedChanges) {
    }

    record Settings(int seconds, int warmupSeconds, int wrkThreads, int workers, int workerLanes, int publishChannels,
                    int publishMaxBatch, String apiJavaOptions, String workerJavaOptions, int tokens) {
    }

    /**
     * One wrk run: {@code accepted} votes answered 202, {@code counted} the rows PostgreSQL holds for the
     * phase's poll once the queue drained, {@code countedPerSecond} over the time from the first request to
     * the last count; latency in ms over every answer; CPU seconds per component over the same time.
     * {@code unanswered}: votes sent but cut off unanswered when wrk stopped; each may or may not count,
     * so exact means accepted ≤ counted ≤ accepted + unanswered, and counts = rows. {@code busiestOthers}:
     * the processes outside the system that used the most CPU meanwhile (noise on a shared machine).
     * {@code votesPerMessage}: votes per message the API published (the broker's cost is per message).
     */
    record LoadPhase(String name, int connections, double seconds, long requests, long unanswered, long accepted,
                     double acceptedPerSecond,
                     long counted, double countedPerSecond, double countLagSeconds, double p50Millis, double p90Millis,
                     double p99Millis, double maxMillis, Map<Integer, Long> codes, Map<String, Long> socketErrors,
                     long tokenWraps, boolean exact, Map<String, Double> cpuSeconds, double machineBusyPercent,
                     List<String> busiestOthers, double votesPerMessage) {
        long socketErrorTotal() {
            return socketErrors.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /**
     * The worker alone against a full queue: {@code seconds} from starting the worker process(es) to the
     * last vote counted (JVM start included), {@code countingSeconds} from the first vote counted.
     */
    record Drain(long votes, long messages, double fillSeconds, int workers, double seconds, double votesPerSecond,
                 double countingSeconds, double countingVotesPerSecond, long counted, boolean exact,
                 Map<String, Double> cpuSeconds, double machineBusyPercent, List<String> busiestOthers, long walBytes) {
        /** PostgreSQL's WAL per vote counted: what one primary must write, and replicas receive, per vote. */
        double walBytesPerVote() {
            return (double) walBytes / Math.max(1, counted);
        }
    }

    /** The bare JDK server ({@link BareServer}) under the same client: the ceiling any handler has here. */
    record BarePhase(int connections, double requestsPerSecond, double p50Millis, double p99Millis) {
    }

    record Goal(String goal, String measured, boolean met) {
    }
}
