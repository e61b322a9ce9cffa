package dev.voting.e2e.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What a failover test did when, printed as it happens and written to a file at the end. */
final class Timeline {
    private final String name;
    private final long start = System.nanoTime();
    private final List<String> lines = new ArrayList<>();

    Timeline(String name) {
        this.name = name;
    }

    /** Notes a line stamped with the seconds since the start; returns the {@link System#nanoTime()} of the note. */
    synchronized long note(String format, Object... args) {
        long now = System.nanoTime();
        String line = String.format("t=%6.1f s  %s", (now - start) / 1e9, String.format(format, args));
        System.out.println(name + ": " + line);
        lines.add(line);
        return now;
    }

    synchronized void write(Path file) throws IOException {
        Files.write(file, lines);
    }
}
