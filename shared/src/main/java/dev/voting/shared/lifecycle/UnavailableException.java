package dev.voting.shared.lifecycle;

/**
 * A dependency did not answer in time or refused work. Transient by nature: the API answers 503
 * with {@code Retry-After}, the worker holds its messages and retries.
 */
public final class UnavailableException extends RuntimeException {
    private final Dependency dependency;

    public UnavailableException(Dependency dependency, String message, Throwable cause) {
        super(dependency.displayName() + ": " + message, cause);
        this.dependency = dependency;
    }

    public Dependency dependency() {
        return dependency;
    }
}
