package dev.voting.shared.vote;

/** A message that is not a vote or a vote batch: it belongs in the dead-letter queue, with this reason. */
public final class UnreadableMessageException extends Exception {
    public UnreadableMessageException(String reason, Throwable cause) {
        super(reason, cause);
    }

    public UnreadableMessageException(String reason) {
        super(reason);
    }
}
