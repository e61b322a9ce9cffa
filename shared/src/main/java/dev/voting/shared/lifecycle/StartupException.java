package dev.voting.shared.lifecycle;

/** Start-up cannot go on; the message is meant for the operator and is printed without a stack trace. */
public final class StartupException extends RuntimeException {
    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
