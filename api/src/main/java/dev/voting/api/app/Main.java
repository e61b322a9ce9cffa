package dev.voting.api.app;

import dev.voting.api.ApiConfig;
import dev.voting.shared.lifecycle.Launch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;

/** {@code make run-api}: starts the API and stops it cleanly on SIGTERM. */
public final class Main {
    private static final Logger log = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) {
        Launch.orExit(log, () -> {
            ApiConfig config = ApiConfig.fromEnvironment();
            log.info("{}", config.describe());
            ApiApplication api = ApiApplication.start(config, Clock.systemUTC());
            Runtime.getRuntime().addShutdownHook(new Thread(api::close, "shutdown"));
            log.info("API listening on http://{}:{} (try /readyz, /api/v1/polls); metrics on port {}", config.http().host(),
                    api.port(), api.metricsPort());
        });
    }
}
