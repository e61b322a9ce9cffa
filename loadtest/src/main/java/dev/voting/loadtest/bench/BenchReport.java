package dev.voting.loadtest.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The markdown of a benchmark: one table of throughput, latency, codes and CPU seconds per
 * component, CPU per vote, the bare JDK server beside it, and the speed goals with what was measured
 * against them.
 */
final class BenchReport {
    private static final List<String> CPU_COLUMNS = List.of("api", "worker", "rabbitmq", "postgres", "redis", "client", "other");

    private BenchReport() {
    }

    static String markdown(BenchResult result) {
        BenchResult.Machine m = result.machine();
        BenchResult.Settings s = result.settings();
        StringBuilder md = new StringBuilder();
        md.append("Benchmark of ").append(result.date()).append(" on ").append(m.cpu()).append(", ").append(m.cores())
                .append(" cores, ").append(String.format(Locale.ROOT, "%.0f", m.memoryMiB() / 1024.0)).append(" GiB, Linux ")
                .append(m.kernel()).append(", JDK ").append(m.jdk()).append("; commit ").append(m.commit())
                .append(m.uncommittedChanges() ? " with uncommitted changes" : "").append(".\n")
                .append("API + ").append(s.workers()).append(" worker (").append(s.workerLanes()).append(" lanes), publish ")
                .append(s.publishChannels()).append(" channels × ≤ ").append(s.publishMaxBatch()).append(" votes/message; client wrk, ")
                .append(s.wrkThreads()).append(" threads, on the same machine; ").append(s.seconds()).append(" s per load phase after a ")
                .append(s.warmupSeconds()).append(" s warm-up at 200 connections; every request a first vote by a distinct voter.\n\n");

        md.append("| phase | accepted votes/s | counted votes/s | p50 ms | p99 ms | codes | votes/message | drain votes/s | exact |");
        CPU_COLUMNS.forEach(c -> md.append(" CPU s ").append(c).append(" |"));
        md.append("\n| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | --- |");
        CPU_COLUMNS.forEach(c -> md.append(" ---: |"));
        md.append('\n');
        for (BenchResult.LoadPhase phase : result.load()) {
            md.append("| ").append(phase.name()).append(" | ").append(whole(phase.acceptedPerSecond()))
                    .append(" | ").append(whole(phase.countedPerSecond()))
                    .append(" | ").append(oneDecimal(phase.p50Millis())).append(" | ").append(oneDecimal(phase.p99Millis()))
                    .append(" | ").append(codes(phase)).append(" | ").append(oneDecimal(phase.votesPerMessage()))
                    .append(" | | ").append(exact(phase)).append(" |");
            CPU_COLUMNS.forEach(c -> md.append(' ').append(oneDecimal(phase.cpuSeconds().getOrDefault(c, 0.0))).append(" |"));
            md.append('\n');
        }
        BenchResult.Drain drain = result.drain();
        if (drain != null) {
            md.append("| drain ").append(whole(drain.votes())).append(" votes, ").append(drain.workers()).append(" worker")
                    .append(" | | | | | ").append(whole(drain.messages())).append(" messages | ")
                    .append(oneDecimal((double) drain.votes() / Math.max(1, drain.messages()))).append(" | ")
                    .append(whole(drain.votesPerSecond())).append(" | ").append(drain.exact() ? "yes" : "**no**").append(" |");
            CPU_COLUMNS.forEach(c -> md.append(' ').append(oneDecimal(drain.cpuSeconds().getOrDefault(c, 0.0))).append(" |"));
            md.append('\n');
        }

        md.append("\nCPU µs per vote (counted votes), and how busy the machine was:\n\n| phase |");
        CPU_COLUMNS.forEach(c -> md.append(' ').append(c).append(" |"));
        md.append(" total | machine busy |\n| --- |");
        CPU_COLUMNS.forEach(c -> md.append(" ---: |"));
        md.append(" ---: | ---: |\n");
        for (BenchResult.LoadPhase phase : result.load()) {
            perVote(md, phase.name(), phase.cpuSeconds(), phase.counted(), phase.machineBusyPercent());
        }
        if (drain != null) {
            perVote(md, "drain", drain.cpuSeconds(), drain.counted(), drain.machineBusyPercent());
            md.append("\nThe drain made PostgreSQL write ").append(whole(drain.walBytesPerVote()))
                    .append(" bytes of WAL per vote (rows, indexes, counts; the whole server's WAL, so other databases' writes count too).\n");
        }

        md.append("\nBusiest processes outside the system (\"other\": noise from a shared machine, not the system's load):\n");
        for (BenchResult.LoadPhase phase : result.load()) {
            md.append("- ").append(phase.name()).append(": ").append(others(phase.busiestOthers())).append('\n');
        }
        if (drain != null) {
            md.append("- drain: ").append(others(drain.busiestOthers())).append('\n');
        }

        if (!result.bare().isEmpty()) {
            md.append("\nThe bare JDK server (a fixed 202 to every POST, same client, same run):\n\n")
                    .append("| connections | requests/s | p50 ms | p99 ms | ours ÷ bare (counted votes/s) |\n| ---: | ---: | ---: | ---: | ---: |\n");
            for (BenchResult.BarePhase bare : result.bare()) {
                String ratio = result.load().stream().filter(p -> p.connections() == bare.connections()).findFirst()
                        .map(p -> String.format(Locale.ROOT, "%.2f×", p.countedPerSecond() / bare.requestsPerSecond())).orElse("–");
                md.append("| ").append(whole(bare.connections())).append(" | ").append(whole(bare.requestsPerSecond()))
                        .append(" | ").append(oneDecimal(bare.p50Millis())).append(" | ").append(oneDecimal(bare.p99Millis()))
                        .append(" | ").append(ratio).append(" |\n");
            }
        }

        md.append("\n| goal | measured | met |\n| --- | --- | --- |\n");
        for (BenchResult.Goal goal : result.goals()) {
            md.append("| ").append(goal.goal()).append(" | ").append(goal.measured()).append(" | ")
                    .append(goal.met() ? "yes" : "**no**").append(" |\n");
        }
        return md.toString();
    }

    private static void perVote(StringBuilder md, String name, Map<String, Double> cpu, long votes, double busy) {
        md.append("| ").append(name).append(" |");
        double total = 0;
        for (String c : CPU_COLUMNS) {
            double seconds = cpu.getOrDefault(c, 0.0);
            total += seconds;
            md.append(' ').append(votes == 0 ? "–" : whole(seconds * 1e6 / votes)).append(" |");
        }
        md.append(' ').append(votes == 0 ? "–" : whole(total * 1e6 / votes)).append(" | ")
                .append(String.format(Locale.ROOT, "%.0f %%", busy)).append(" |\n");
    }

    /** "yes", with the votes cut off unanswered at the end that were counted all the same. */
    static String exact(BenchResult.LoadPhase phase) {
        if (!phase.exact()) {
            return "**no**: counted " + whole(phase.counted()) + ", accepted " + whole(phase.accepted());
        }
        long extra = phase.counted() - phase.accepted();
        return extra == 0 ? "yes" : "yes (+" + whole(extra) + " of " + whole(phase.unanswered()) + " cut off)";
    }

    static String codes(BenchResult.LoadPhase phase) {
        List<String> parts = new ArrayList<>(phase.codes().entrySet().stream()
                .map(e -> e.getKey() + ": " + whole(e.getValue())).collect(Collectors.toList()));
        long socket = phase.socketErrorTotal();
        parts.add(socket == 0 ? "no socket errors" : "**socket errors " + phase.socketErrors().entrySet().stream()
                .filter(e -> e.getValue() > 0).map(e -> e.getKey() + " " + whole(e.getValue()))
                .collect(Collectors.joining(", ")) + "**");
        return String.join("; ", parts);
    }

    private static String others(List<String> busiest) {
        return busiest.isEmpty() ? "none above 0.5 s" : busiest.stream().map(o -> "`" + o.replace("`", "'") + "`")
                .collect(Collectors.joining(", "));
    }

    static String whole(double value) {
        return String.format(Locale.ROOT, "%,.0f", value);
    }

    static String oneDecimal(double value) {
        return String.format(Locale.ROOT, "%,.1f", value);
    }
}
