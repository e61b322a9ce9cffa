package dev.voting.loadtest.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * With {@code PROFILE=1} the API and workers record JDK Flight Recorder files; this turns each into
 * its hottest methods ({@code jfr view hot-methods}), saved beside it and printed, so that a bench
 * run also says where the CPU of each JVM went.
 */
final class Profiles {
    private Profiles() {
    }

    static void summarise(Path runFolder) {
        List<Path> recordings;
        try (Stream<Path> files = Files.list(runFolder)) {
            recordings = files.filter(f -> f.getFileName().toString().endsWith(".jfr")).sorted().toList();
        } catch (IOException e) {
            return;
        }
        Path jfr = Path.of(ProcessHandle.current().info().command().orElse("java")).resolveSibling("jfr");
        for (Path recording : recordings) {
            Path summary = runFolder.resolve(recording.getFileName().toString().replace(".jfr", "-hot-methods.txt"));
            try {
                Process view = new ProcessBuilder(jfr.toString(), "view", "--width", "200", "hot-methods", recording.toString())
                        .redirectErrorStream(true).redirectOutput(summary.toFile()).start();
                if (view.waitFor(120, TimeUnit.SECONDS) && view.exitValue() == 0) {
                    System.out.println("\nprofile " + recording + ":");
                    Files.readAllLines(summary).stream().limit(30).forEach(System.out::println);
                }
            } catch (IOException e) {
                System.out.println("bench: cannot summarise " + recording + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
