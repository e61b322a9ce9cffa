package dev.voting.loadtest.simulations;

import java.time.Duration;

/** The simulations' knobs: Java system properties ({@code -Drate=2000}), so that make and Maven can set them alike. */
final class Settings {
    private Settings() {
    }

    static String baseUrl() {
        return System.getProperty("baseUrl", "http://127.0.0.1:8000");
    }

    static double number(String name, double fallback) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            double parsed = Double.parseDouble(value.trim());
            if (parsed < 0) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + name + " must be a non-negative number, not '" + value + "'");
        }
    }

    static Duration seconds(String name, double fallback) {
        return Duration.ofMillis(Math.round(number(name, fallback) * 1000));
    }

    /** The p99 bound of the vote call, in ms. */
    static int p99Millis(int fallback) {
        return (int) number("p99Ms", fallback);
    }
}
