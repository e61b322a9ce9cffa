package dev.voting.worker;

/** A batch was given up because the worker is stopping; its messages, unacked, will be redelivered. */
final class Abandoned extends Exception {
    Abandoned() {
        super(null, null, false, false);
    }
}
