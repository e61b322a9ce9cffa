package dev.voting.shared.lifecycle;

import dev.voting.shared.config.ConfigException;
import org.slf4j.Logger;

/**
 * A process's {@code main}: a start that fails for a reason the operator fixes (a bad setting, a
 * dependency that does not answer) ends as one log line that names it and exit status 1, not a
 * stack trace. Anything else is a bug and stays loud.
 */
public final class Launch {
    @FunctionalInterface
    public interface Start {
        void run();
    }

    private Launch() {
    }

    public static void orExit(Logger log, Start start) {
        try {
            start.run();
        } catch (ConfigException | StartupException e) {
            log.error("{}", e.getMessage());
            System.exit(1);
        }
    }
}
