package dev.voting.shared.config;

import java.util.regex.Pattern;

/** Keeps secrets out of logs and error messages. */
public final class Secrets {
    private static final Pattern URL_PASSWORD = Pattern.compile("(://[^:/@]*:)[^@/]*@");

    private Secrets() {
    }

    /** {@code amqp://guest:guest@host} becomes {@code amqp://guest:***@host}. */
    public static String maskUrl(String url) {
        return url == null ? null : URL_PASSWORD.matcher(url).replaceFirst("$1***@");
    }

    public static String mask(String secret) {
        return secret == null || secret.isEmpty() ? "(unset)" : "*** (" + secret.length() + " chars)";
    }
}
