package dev.voting.shared.logging;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The request id that ties an API request to the vote it carries and to the worker's log lines
 * about that vote. A client may bring its own ({@code X-Request-Id}); it is kept only when it is
 * short and made of safe characters, because it ends up in log lines and in queue messages.
 */
public final class RequestIds {
    public static final String HEADER = "X-Request-Id";
    /** The MDC key both processes log it under. */
    public static final String MDC_KEY = "requestId";
    public static final int MAX_LENGTH = 64;

    private RequestIds() {
    }

    /** True for 1..64 characters of {@code [A-Za-z0-9._:-]}: nothing that could forge or break a log line. */
    public static boolean isValid(String candidate) {
        if (candidate == null || candidate.isEmpty() || candidate.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < candidate.length(); i++) {
            char c = candidate.charAt(i);
            boolean safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == ':' || c == '-';
            if (!safe) {
                return false;
            }
        }
        return true;
    }

    /** The client's id when it is valid, else a fresh one. */
    public static String acceptOrGenerate(String fromClient) {
        return isValid(fromClient) ? fromClient : generate();
    }

    /** 16 hex digits: unique enough to find one request's lines, cheap on the vote path. */
    public static String generate() {
        String hex = Long.toHexString(ThreadLocalRandom.current().nextLong());
        return hex.length() == 16 ? hex : "0".repeat(16 - hex.length()) + hex;
    }
}
