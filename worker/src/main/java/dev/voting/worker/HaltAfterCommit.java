package dev.voting.worker;

import dev.voting.shared.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fault switch for tests only ({@code WORKER_FAULT_HALT_AFTER_COMMIT=n}): the process halts at
 * once after its n-th committed batch, before Redis is written and before the acks, as a crash in
 * that window would. The chaos suite uses it to prove that the redelivered batch counts nothing twice.
 */
final class HaltAfterCommit implements CommitObserver {
    static final String VARIABLE = "WORKER_FAULT_HALT_AFTER_COMMIT";
    static final int EXIT_CODE = 86;
    private static final Logger log = LoggerFactory.getLogger(HaltAfterCommit.class);

    private final int commits;
    private final AtomicInteger seen = new AtomicInteger();

    HaltAfterCommit(int commits) {
        this.commits = commits;
    }

    /** The switch from the environment, or {@link CommitObserver#NONE} when it is unset. */
    static CommitObserver fromEnvironment(String value) {
        if (value == null || value.isBlank()) {
            return CommitObserver.NONE;
        }
        int commits;
        try {
            commits = Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new ConfigException(List.of(VARIABLE + "=" + value + ": must be a whole number"));
        }
        if (commits < 1) {
            throw new ConfigException(List.of(VARIABLE + "=" + value + ": must be at least 1"));
        }
        log.warn("{}={}: TEST-ONLY FAULT SWITCH, this worker halts after commit {}", VARIABLE, commits, commits);
        return new HaltAfterCommit(commits);
    }

    @Override
    public void committed(BatchResult result) {
        if (seen.incrementAndGet() == commits) {
            log.warn("{}: halting after commit {} ({} votes counted, Redis not written, nothing acked)",
                    VARIABLE, commits, result.counted().size());
            Runtime.getRuntime().halt(EXIT_CODE);
        }
    }
}
