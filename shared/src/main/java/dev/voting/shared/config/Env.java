package dev.voting.shared.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads typed values out of an environment map and collects every problem, so that one start-up
 * failure lists all the bad variables at once instead of one per attempt. Each process's config
 * reads its own variables with the same instance ({@link Config#read}).
 */
public final class Env {
    private final Map<String, String> env;
    private final List<String> problems = new ArrayList<>();

    public Env(Map<String, String> env) {
        this.env = env;
    }

    public String string(String name, String fallback) {
        String value = env.get(name);
        return value == null || value.isBlank() ? fallback : value.strip();
    }

    /** A value that may be absent: empty means "not configured". */
    public String optional(String name) {
        return string(name, "");
    }

    public int integer(String name, int fallback, int min, int max) {
        return (int) number(name, fallback, min, max);
    }

    public long number(String name, long fallback, long min, long max) {
        String raw = env.get(name);
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        try {
            long value = Long.parseLong(raw.strip());
            if (value < min || value > max) {
                problem(name, raw, "must be between " + min + " and " + max);
                return fallback;
            }
            return value;
        } catch (NumberFormatException e) {
            problem(name, raw, "must be a whole number");
            return fallback;
        }
    }

    public String oneOf(String name, String fallback, Set<String> allowed) {
        String value = string(name, fallback);
        if (!allowed.contains(value)) {
            problem(name, value, "must be one of " + allowed);
            return fallback;
        }
        return value;
    }

    /** Parses a value with a function that throws {@link IllegalArgumentException} on bad input. */
    public <T> T parsed(String name, String fallback, Function<String, T> parser) {
        String value = string(name, fallback);
        try {
            return parser.apply(value);
        } catch (IllegalArgumentException e) {
            problem(name, Secrets.maskUrl(value), e.getMessage());
            return null;
        }
    }

    public void problem(String name, String shownValue, String why) {
        problems.add(name + "=" + shownValue + ": " + why);
    }

    public void require(boolean condition, String name, String why) {
        if (!condition) {
            problems.add(name + ": " + why);
        }
    }

    public void throwIfInvalid() {
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }
}
