package dev.voting.worker;

/**
 * Told of every batch between its database commit and its Redis write and acks: the window in
 * which a crash leaves PostgreSQL ahead of Redis and the messages unacked. Tests and the chaos
 * suite use it to crash a worker exactly there; in production it does nothing.
 */
@FunctionalInterface
public interface CommitObserver {
    CommitObserver NONE = result -> { };

    void committed(BatchResult result);
}
