package dev.voting.worker;

import dev.voting.shared.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkerConfigTest {

    @Test
    void theWorkerStartsWithoutAnySigningKey() {
        WorkerConfig config = WorkerConfig.from(Map.of());
        assertEquals(9100, config.metricsPort());
        assertEquals(2, config.lanes());
        assertEquals(Duration.ofMillis(25), config.batchMaxWait());
        assertEquals("votes", config.common().rabbit().queue());
    }

    @Test
    void everyBadVariableIsNamedAtOnceSharedOrNot() {
        ConfigException error = assertThrows(ConfigException.class, () -> WorkerConfig.from(Map.of(
                "WORKER_BATCH_SIZE", "0", "LOG_FORMAT", "xml")));
        assertEquals(2, error.problems().size(), error.getMessage());
        assertTrue(error.getMessage().contains("WORKER_BATCH_SIZE=0: must be between 1 and 50000"), error.getMessage());
    }

    @Test
    void passwordsAreMaskedInTheDescription() {
        String described = WorkerConfig.from(Map.of("DATABASE_URL", "jdbc:postgresql://db/votes?user=w&password=dbpass")).describe();
        assertTrue(!described.contains("dbpass") && described.contains("password=***"), described);
        assertTrue(described.contains("worker metricsPort=9100 lanes=2"), described);
    }
}
