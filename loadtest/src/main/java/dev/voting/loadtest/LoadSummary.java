package dev.voting.loadtest;

import dev.voting.loadtest.system.Ledger;
import dev.voting.loadtest.traffic.LatencyHistogram;
import dev.voting.loadtest.traffic.RunRecord;
import dev.voting.loadtest.traffic.Tally;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The one summary {@code make loadtest} prints, and its verdict: Gatling's assertions, the codes,
 * repeats never accepted, the queue drained, and exactness — counted in PostgreSQL equals the
 * first votes answered 202, and the counts equal the rows (G3).
 */
record LoadSummary(RunRecord record, Ledger.Drained drained, Ledger.Exactness exactness,
                   GatlingLauncher.Outcome gatling, Set<Integer> allowedVoteCodes, String where) {

    /** One line of the verdict. */
    record Check(String what, boolean passed) {
    }

    long acceptedFirstVotes() {
        return record.all().count(Tally.Kind.FIRST_VOTE, 202);
    }

    List<Check> checks() {
        RunRecord.Phase all = record.all();
        List<Check> checks = new ArrayList<>();
        checks.add(new Check("Gatling's assertions hold (exit " + gatling.exitCode() + ")", gatling.exitCode() == 0));
        long unexpected = unexpected(all, Tally.Kind.FIRST_VOTE, allowedVoteCodes)
                + unexpected(all, Tally.Kind.REPEAT_VOTE, allowedVoteCodes)
                + unexpected(all, Tally.Kind.RESULTS, Set.of(200));
        checks.add(new Check("every answer is one of " + allowedVoteCodes + " (votes) or 200 (results): "
                + unexpected + " other, of which " + noAnswer(all) + " timeouts or resets", unexpected == 0));
        long repeatsAccepted = all.count(Tally.Kind.REPEAT_VOTE, 202);
        checks.add(new Check("no repeat vote accepted: " + repeatsAccepted + " answered 202", repeatsAccepted == 0));
        checks.add(new Check("the queue drained and the count reached the accepted votes", drained.reachedExpected()));
        long unanswered = all.count(Tally.Kind.FIRST_VOTE, 0);
        long extra = exactness.total() - acceptedFirstVotes();
        checks.add(unanswered == 0
                ? new Check("exact: counted " + exactness.total() + " = accepted first votes " + acceptedFirstVotes(), extra == 0)
                // a first vote whose answer never came may or may not count: only those may make the difference
                : new Check("exact: accepted first votes " + acceptedFirstVotes() + " ≤ counted " + exactness.total()
                        + " ≤ accepted + " + unanswered + " unanswered first votes", extra >= 0 && extra <= unanswered));
        checks.add(new Check("counts per candidate = vote rows per candidate (G3)", exactness.countsMatchRows()));
        record.phases().stream().filter(p -> p.name().equals("recovered")).findFirst().ifPresent(recovered -> {
            long shed = recovered.count(Tally.Kind.FIRST_VOTE, 429) + recovered.count(Tally.Kind.FIRST_VOTE, 503)
                    + recovered.count(Tally.Kind.REPEAT_VOTE, 429) + recovered.count(Tally.Kind.REPEAT_VOTE, 503);
            checks.add(new Check("recovered by itself: nothing shed after the burst (" + shed + " answered 429/503)", shed == 0));
        });
        return checks;
    }

    boolean passed() {
        return checks().stream().allMatch(Check::passed);
    }

    void print(PrintStream out) {
        RunRecord.Phase all = record.all();
        double seconds = record.seconds();
        long accepted = acceptedFirstVotes();
        double countedSeconds = Math.max(0.001, (Math.max(drained.lastRiseAt(), record.lastAnswerAt()) - record.firstRequestAt()) / 1000.0);
        out.println();
        out.printf("== %s: target %,.0f votes/s against %s, poll %d ==%n", record.simulation(), record.targetRate(), where,
                record.pollId());
        out.printf("accepted votes/s  %,10.0f   (%,d first votes answered 202 in %.1f s)%n", accepted / seconds, accepted, seconds);
        out.printf("counted votes/s   %,10.0f   (%,d counted in PostgreSQL; the last %.1f s after the last answer)%n",
                exactness.total() / countedSeconds, exactness.total(),
                Math.max(0, drained.lastRiseAt() - record.lastAnswerAt()) / 1000.0);
        out.printf("vote latency      %s%n", latency(all.voteLatency()));
        out.printf("responses         %s%n", codes(all));
        if (record.phases().size() > 2) {
            for (RunRecord.Phase phase : record.phases()) {
                if (!phase.name().equals(RunRecord.ALL)) {
                    out.printf("  %-14s  %s | %s%n", phase.name(), latency(phase.voteLatency()), codes(phase));
                }
            }
        }
        long unanswered = all.count(Tally.Kind.FIRST_VOTE, 0);
        out.printf("exactness         counted %,d %s accepted first votes %,d%s; counts per candidate %s rows%n",
                exactness.total(), exactness.total() == accepted ? "=" : "≠", accepted,
                unanswered == 0 ? "" : String.format(" (+%,d of %,d first votes never answered were counted)",
                        exactness.total() - accepted, unanswered),
                exactness.countsMatchRows() ? "=" : "≠");
        Optional<Path> report = gatling.report();
        out.printf("HTML report       %s%n", report.map(p -> p.toUri().toString()).orElse("(none written)"));
        for (Check check : checks()) {
            out.printf("  %s %s%n", check.passed() ? "ok  " : "FAIL", check.what());
        }
        out.println(passed() ? "PASSED" : "FAILED");
    }

    static String latency(LatencyHistogram.Latency latency) {
        return String.format("p50 %d ms  p95 %d ms  p99 %d ms  max %d ms  (%,d calls)",
                latency.p50(), latency.p95(), latency.p99(), latency.max(), latency.count());
    }

    static String codes(RunRecord.Phase phase) {
        return phase.codes().entrySet().stream()
                .filter(e -> !e.getValue().isEmpty())
                .map(e -> label(e.getKey()) + " " + e.getValue().entrySet().stream()
                        .map(c -> (c.getKey() == 0 ? "no answer" : c.getKey().toString()) + "×" + String.format("%,d", c.getValue()))
                        .collect(Collectors.joining(" ")))
                .collect(Collectors.joining("; "));
    }

    private static String label(String kind) {
        return switch (Tally.Kind.valueOf(kind)) {
            case FIRST_VOTE -> "first votes";
            case REPEAT_VOTE -> "repeats";
            case RESULTS -> "results";
        };
    }

    private static long unexpected(RunRecord.Phase phase, Tally.Kind kind, Set<Integer> allowed) {
        return phase.codes().getOrDefault(kind.name(), Map.of()).entrySet().stream()
                .filter(e -> !allowed.contains(e.getKey()))
                .mapToLong(Map.Entry::getValue).sum();
    }

    private static long noAnswer(RunRecord.Phase phase) {
        long total = 0;
        for (Tally.Kind kind : Tally.Kind.values()) {
            total += phase.count(kind, 0);
        }
        return total;
    }
}
