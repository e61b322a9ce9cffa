/**
 * Load tests and the benchmark: the instruments, not the system.
 *
 * <ul>
 *   <li>{@link dev.voting.loadtest.LoadTest} ({@code make loadtest}, {@code make loadtest-smoke}) runs a Gatling
 *       simulation (test sources, {@code dev.voting.loadtest.simulations}) in a JVM of its own, then reads
 *       PostgreSQL and RabbitMQ ({@link dev.voting.loadtest.system.Ledger}) and prints one summary.</li>
 *   <li>{@link dev.voting.loadtest.bench.Bench} ({@code make bench}) drives wrk, fills the queue for the drain
 *       test, meters CPU per process from {@code /proc} and writes {@code loadtest/results}.</li>
 *   <li>{@code system}: a {@link dev.voting.loadtest.system.Slice} of the local services (own schema, queue,
 *       key prefix, port; rate limits off) and the API and worker processes started on it.</li>
 *   <li>{@code traffic}: what the simulations and the tools share — tokens, the poll of a run, the tally.</li>
 * </ul>
 *
 * <p>Only the vote path's public faces are used: HTTP, the queue's message format ({@code VoteCodec}) and
 * the tables. Invariants: a tool never touches a schema, queue or key prefix it did not create, unless
 * pointed at a running system on purpose ({@code BASE_URL}); every verdict comes from PostgreSQL, never
 * from the client's view alone; every process a tool starts is stopped when it ends, also on Ctrl-C.
 */
package dev.voting.loadtest;
