package dev.voting.worker;

import dev.voting.shared.lifecycle.Launch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code make run-worker}: starts a worker and stops it cleanly on SIGTERM. */
public final class Main {
    private static final Logger log = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) {
        Launch.orExit(log, () -> {
            WorkerConfig config = WorkerConfig.fromEnvironment();
            log.info("{}", config.describe());
            WorkerApplication worker = WorkerApplication.start(config,
                    HaltAfterCommit.fromEnvironment(System.getenv(HaltAfterCommit.VARIABLE)));
            Runtime.getRuntime().addShutdownHook(new Thread(worker::close, "shutdown"));
            log.info("worker consuming {} with {} lanes; metrics on http://0.0.0.0:{}/metrics",
                    config.common().rabbit().queue(), config.lanes(), worker.metricsPort());
        });
    }
}
