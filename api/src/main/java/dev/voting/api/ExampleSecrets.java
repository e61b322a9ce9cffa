package dev.voting.api;

import java.net.InetAddress;
import java.util.Locale;
import java.util.Set;

/**
 * Signing keys published with the project (in {@code .env.example}, and the Kubernetes placeholder
 * an earlier version shipped): whoever has read the repository can sign any token with them, so
 * they may only serve an API that nobody else can reach.
 */
final class ExampleSecrets {
    private static final Set<String> PUBLISHED = Set.of(
            "dev-only-secret-change-me-0123456789abcdef",
            "change-me-to-at-least-32-random-bytes-of-secret");
    /** What a placeholder says about itself: one nobody replaced is as public as the examples. */
    private static final String PLACEHOLDER_MARK = "change-me";

    private ExampleSecrets() {
    }

    static boolean isPublished(String secret) {
        return PUBLISHED.contains(secret) || secret.toLowerCase(Locale.ROOT).contains(PLACEHOLDER_MARK);
    }

    /** {@code localhost} or a loopback literal ({@code 127.0.0.1}, {@code ::1}); a name is not resolved. */
    static boolean isLoopbackOnly(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        try {
            return InetAddress.ofLiteral(host).isLoopbackAddress();
        } catch (IllegalArgumentException e) {
            return false;  // a host name: as far as we know, reachable from elsewhere
        }
    }
}
