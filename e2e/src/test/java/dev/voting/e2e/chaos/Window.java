package dev.voting.e2e.chaos;

import dev.voting.e2e.chaos.LoadGenerator.Kind;
import dev.voting.e2e.chaos.LoadGenerator.Outcome;

import java.util.Map;
import java.util.TreeMap;

/** What the first attempts sent between {@code from} and {@code to} ({@link System#nanoTime()}) were told. */
record Window(long attempts, long accepted, long unavailable, long unanswered, long withoutRetryAfter,
              Map<String, Long> failures) {
    static Window of(Iterable<Outcome> outcomes, long from, long to) {
        Map<String, Long> failures = new TreeMap<>();
        long attempts = 0;
        long accepted = 0;
        long unavailable = 0;
        long unanswered = 0;
        long withoutRetryAfter = 0;
        for (Outcome o : outcomes) {
            if (o.retry() || o.sentAt() < from || o.sentAt() > to) {
                continue;
            }
            attempts++;
            accepted += o.kind() == Kind.ACCEPTED ? 1 : 0;
            unavailable += o.status() >= 500 || o.status() == 0 ? 1 : 0;
            unanswered += o.status() == 0 ? 1 : 0;
            withoutRetryAfter += o.status() >= 500 && !o.hasRetryAfter() ? 1 : 0;
            if (o.status() >= 500 || o.status() == 0) {
                failures.merge(o.status() + " " + o.type() + ": " + String.valueOf(o.detail()).replaceAll("[0-9a-f-]{36}", "<id>"),
                        1L, Long::sum);
            }
        }
        return new Window(attempts, accepted, unavailable, unanswered, withoutRetryAfter, failures);
    }
}
