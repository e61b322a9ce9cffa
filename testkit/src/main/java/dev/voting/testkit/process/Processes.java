package dev.voting.testkit.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Short commands (initdb, rabbitmqctl, kill) run to completion, failing loudly with their output. */
public final class Processes {
    private Processes() {
    }

    public static String run(List<String> command, Duration bound) {
        return run(command, Map.of(), bound);
    }

    public static String run(List<String> command, Map<String, String> environment, Duration bound) {
        try {
            Path output = Files.createTempFile("cmd", ".log");
            try {
                ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(output.toFile());
                builder.environment().putAll(environment);
                Process process = builder.start();
                if (!process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException(command.getFirst() + " did not finish within " + bound.toSeconds() + " s");
                }
                String text = Files.readString(output, StandardCharsets.UTF_8);
                if (process.exitValue() != 0) {
                    throw new IllegalStateException(String.join(" ", command) + " failed (" + process.exitValue() + "): " + text);
                }
                return text;
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.getFirst(), e);
        }
    }

    /** Waits until {@code port} accepts connections or the child dies or the bound passes. */
    public static void awaitPort(Child child, int port, Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (System.nanoTime() < deadline) {
            if (Ports.answers(port)) {
                return;
            }
            if (!child.isAlive()) {
                throw new IllegalStateException(child.name() + " exited before listening on " + port + ":\n" + child.tail(30));
            }
            sleep(Duration.ofMillis(100));
        }
        throw new IllegalStateException(child.name() + " did not listen on " + port + " within " + bound.toSeconds() + " s:\n" + child.tail(30));
    }

    public static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
