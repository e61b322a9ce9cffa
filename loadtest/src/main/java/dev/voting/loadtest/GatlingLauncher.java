package dev.voting.loadtest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Runs one simulation in a JVM of its own, on the class path the build wrote
 * ({@code loadtest/target/gatling.classpath}): no Maven JVM sits beside the load, and a rebuild of
 * the other modules cannot change what runs. Gatling exits 2 when an assertion failed.
 */
final class GatlingLauncher {
    static final String PACKAGE = "dev.voting.loadtest.simulations.";

    /** The exit code, and the HTML report when Gatling wrote one. */
    record Outcome(int exitCode, Optional<Path> report) {
    }

    private final Path module;

    GatlingLauncher(Path module) {
        this.module = module;
    }

    Outcome run(String simulation, Map<String, String> properties) {
        Path results = module.resolve("target/gatling").toAbsolutePath();
        String classpath = classpath();
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-Xms512m", "-Xmx1g", "-XX:+UseParallelGC",
                "--add-opens=java.base/java.lang=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"));
        properties.forEach((name, value) -> command.add("-D" + name + "=" + value));
        command.addAll(List.of("-cp", classpath, "io.gatling.app.Gatling",
                "--simulation", PACKAGE + simulation, "--results-folder", results.toString()));
        long started = System.currentTimeMillis();
        try {
            Process gatling = new ProcessBuilder(command).inheritIO().start();
            int exit = gatling.waitFor();
            return new Outcome(exit, newestReport(results, simulation, started));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Gatling: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while Gatling ran", e);
        }
    }

    private String classpath() {
        Path file = module.resolve("target/gatling.classpath");
        try {
            return String.join(java.io.File.pathSeparator,
                    module.resolve("target/test-classes").toString(),
                    module.resolve("target/classes").toString(),
                    Files.readString(file).trim());
        } catch (IOException e) {
            throw new UncheckedIOException("no " + file + ": build the project first (make build)", e);
        }
    }

    private static Optional<Path> newestReport(Path results, String simulation, long since) {
        String prefix = simulation.toLowerCase(Locale.ROOT) + "-";
        try (Stream<Path> runs = Files.list(results)) {
            return runs.filter(p -> p.getFileName().toString().startsWith(prefix))
                    .filter(p -> p.toFile().lastModified() >= since - 1_000)
                    .max(Comparator.comparingLong(p -> p.toFile().lastModified()))
                    .map(p -> p.resolve("index.html"))
                    .filter(Files::exists);
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
