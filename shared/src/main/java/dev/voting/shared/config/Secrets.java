package dev.voting.shared.config;

import java.util.regex.Pattern;

/** Keeps secrets out of logs and error messages. */
public final class Secrets {
    /**
     * The password of {@code scheme://user:password@host}: up to the last {@code @} of the authority,
     * so that an unencoded {@code @} in the password does not leave its end visible.
     */
    private static final Pattern USER_INFO_PASSWORD = Pattern.compile("(://[^:/@?#]*:)[^/?#]*@");
    /** {@code ?password=...}, {@code &sslpassword=...}, {@code ;pwd=...}, tokens and keys in a query string. */
    private static final Pattern SECRET_PARAMETER = Pattern.compile(
            "(?i)([?&;](?:pass|[a-z_.-]*(?:password|passwd|pwd|secret|token|apikey|api_key))=)[^&;#\\s]*");

    private Secrets() {
    }

    /**
     * Any URL with its passwords masked: {@code amqp://guest:guest@host} becomes
     * {@code amqp://guest:***@host}, {@code jdbc:postgresql://db/x?user=a&password=b} becomes
     * {@code jdbc:postgresql://db/x?user=a&password=***}.
     */
    public static String maskUrl(String url) {
        if (url == null) {
            return null;
        }
        String masked = USER_INFO_PASSWORD.matcher(url).replaceFirst("$1***@");
        return SECRET_PARAMETER.matcher(masked).replaceAll("$1***");
    }

    public static String mask(String secret) {
        return secret == null || secret.isEmpty() ? "(unset)" : "*** (" + secret.length() + " chars)";
    }
}
