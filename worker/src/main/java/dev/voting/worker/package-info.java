/**
 * The worker: consumes votes, writes them to PostgreSQL in batches, keeps live counts in Redis.
 *
 * <p>{@link dev.voting.worker.WorkerApplication}, configured by {@link dev.voting.worker.WorkerConfig}
 * (no signing key: the worker trusts what the API queued), runs {@code WORKER_LANES}
 * {@link dev.voting.worker.ConsumerLane}s, each a thread with parts that do one job each:
 * {@link dev.voting.worker.Subscription} is its channel, opened and closed by the lane on every way
 * out, whose deliveries are decoded each on a virtual thread and handed on in delivery order;
 * {@link dev.voting.worker.BatchCollector} gathers them into batches;
 * {@link dev.voting.worker.BatchHandler} writes each in one transaction
 * ({@link dev.voting.worker.RetryingWriter}, {@link dev.voting.worker.VoteWriter}), brings Redis level
 * ({@link dev.voting.worker.LiveCounts}) and only then acks, in one frame where it can
 * ({@link dev.voting.worker.AckPlan}); {@link dev.voting.worker.DeadLetterFallback} settles what cannot
 * be counted. Only the lane's thread uses its channel.
 *
 * <p>Invariants: a message is acked only after its votes are committed and Redis written (G1, G4);
 * the unique key on (poll, voter) and {@code ON CONFLICT DO NOTHING} make every redelivery harmless
 * (G2); counts change in the same transaction as the rows they count (G3); an unreadable message is
 * dead-lettered, a readable but invalid vote is recorded as failed with its reason (G6); while a
 * dependency is down, or PostgreSQL refuses a write for any reason but its data, messages are held
 * and retried, never dead-lettered for it, and PostgreSQL is named on {@code /readyz}. Only a vote
 * PostgreSQL refuses for its own data (SQLSTATE class 22 or 23) is dead-lettered, alone, found by
 * halving its batch ({@link dev.voting.worker.RetryingWriter}); its message is acked once its
 * other votes are counted.
 *
 * <p>Dead letters: {@link dev.voting.worker.DeadLetterSink} republishes an unreadable message to
 * {@code <queue>.dlq} with its reason and acks it only after the broker's confirm;
 * {@link dev.voting.worker.DeadLetters} is {@code make dlq} and {@code make dlq-replay}.
 * {@link dev.voting.worker.HaltAfterCommit} is a test-only fault switch for the chaos suite.
 *
 * <p>Watching: {@link dev.voting.worker.CountsDrift} exports how far Redis's counts are from
 * PostgreSQL's beyond one check interval; the lines logged about a batch carry its votes' request
 * ids in the MDC ({@link dev.voting.worker.BatchRequestIds}).
 */
package dev.voting.worker;
