package dev.voting.loadtest.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.voting.shared.json.Json;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The light load client: Debian's {@code wrk} with {@code vote.lua}, every request a first vote
 * from a pre-minted token. Closed model: {@code connections} requests in flight at all times.
 */
final class Wrk {
    static final String MARKER = "WRK-JSON ";
    private static final ObjectMapper MAPPER = Json.newMapper();

    /**
     * What wrk counted; times in microseconds. Status errors are codes ≥ 400, not socket errors.
     * {@code sent} counts requests written: those never answered were cut off when wrk stopped.
     */
    record Result(long durationMicros, long requests, Map<Integer, Long> codes, Errors errors, Latency latencyMicros,
                  long tokenWraps, long sent) {
        double seconds() {
            return durationMicros / 1e6;
        }

        long count(int status) {
            return codes.getOrDefault(status, 0L);
        }

        long unanswered() {
            return Math.max(0, sent - codes.values().stream().mapToLong(Long::longValue).sum());
        }
    }

    record Errors(long connect, long read, long write, long timeout, long status) {
        long socket() {
            return connect + read + write + timeout;
        }
    }

    record Latency(long p50, long p90, long p99, long max) {
    }

    private final Path script;
    private final int threads;

    Wrk(Path workFolder, int threads) {
        this.threads = threads;
        try (InputStream lua = Wrk.class.getResourceAsStream("/wrk/vote.lua")) {
            Files.createDirectories(workFolder);
            script = workFolder.resolve("vote.lua");
            Files.copy(lua, script, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the wrk script: " + e.getMessage(), e);
        }
    }

    /** Runs wrk in the foreground and returns what its script counted. */
    Result run(String baseUrl, long pollId, List<Long> candidates, Path tokens, int tokenCount, int connections,
               Duration duration, int repeatPercent) {
        List<String> command = List.of("wrk", "-t" + threads, "-c" + connections, "-d" + duration.toSeconds() + "s",
                "--timeout", "10s", "-s", script.toString(), baseUrl, "--",
                Long.toString(pollId), tokens.toAbsolutePath().toString(), Integer.toString(tokenCount),
                Integer.toString(threads), candidates.stream().map(String::valueOf).collect(Collectors.joining(",")),
                Integer.toString(repeatPercent));
        List<String> output = new ArrayList<>();
        try {
            Process wrk = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(wrk.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    output.add(line);
                }
            }
            int exit = wrk.waitFor();
            if (exit != 0) {
                throw new IllegalStateException("wrk exited " + exit + ":\n" + String.join("\n", output));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run wrk (apt-get install -y wrk): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while wrk ran", e);
        }
        return parse(output);
    }

    static Result parse(List<String> output) {
        String json = output.stream().filter(l -> l.startsWith(MARKER)).findFirst()
                .orElseThrow(() -> new IllegalStateException("wrk printed no summary:\n" + String.join("\n", output)))
                .substring(MARKER.length());
        try {
            return MAPPER.readValue(json, Result.class);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read wrk's summary " + json + ": " + e.getMessage(), e);
        }
    }
}
