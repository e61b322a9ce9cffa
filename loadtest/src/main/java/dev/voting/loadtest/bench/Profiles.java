package dev.voting.loadtest.bench;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * With {@code PROFILE=1} the API and workers record JDK Flight Recorder files; this reads their CPU
 * samples and says where each JVM's time went: by library (the first frame from the top that is not
 * generic JDK code, so that a HashMap.put inside Jackson counts as Jackson), by the application
 * method that led there, and the hottest methods themselves. Saved beside each recording and printed.
 */
final class Profiles {
    // The JDK's own subsystems that matter here, before the generic "JDK" bucket.
    private static final List<Map.Entry<String, String>> LIBRARIES = List.of(
            Map.entry("sun.net.httpserver.", "JDK HTTP server"),
            Map.entry("com.sun.net.httpserver.", "JDK HTTP server"),
            Map.entry("com.sun.crypto.", "JDK crypto (HMAC)"),
            Map.entry("javax.crypto.", "JDK crypto (HMAC)"),
            Map.entry("sun.security.", "JDK crypto (HMAC)"),
            Map.entry("com.fasterxml.jackson.", "Jackson (JSON)"),
            Map.entry("com.auth0.", "java-jwt"),
            Map.entry("redis.clients.", "Jedis (Redis)"),
            Map.entry("org.apache.commons.pool2.", "Jedis (Redis)"),
            Map.entry("com.rabbitmq.", "AMQP client"),
            Map.entry("org.postgresql.", "PostgreSQL driver"),
            Map.entry("com.zaxxer.hikari.", "HikariCP"),
            Map.entry("io.micrometer.", "metrics"),
            Map.entry("io.prometheus.", "metrics"),
            Map.entry("ch.qos.logback.", "logging"),
            Map.entry("org.slf4j.", "logging"),
            Map.entry("dev.voting.", "own code"));

    private Profiles() {
    }

    static void summarise(Path runFolder) {
        List<Path> recordings;
        try (Stream<Path> files = Files.list(runFolder)) {
            recordings = files.filter(f -> f.getFileName().toString().endsWith(".jfr")).sorted().toList();
        } catch (IOException e) {
            return;
        }
        for (Path recording : recordings) {
            try {
                String summary = summarise(RecordingFile.readAllEvents(recording));
                Path file = runFolder.resolve(recording.getFileName().toString().replace(".jfr", "-profile.txt"));
                Files.writeString(file, summary);
                System.out.println("\nprofile " + recording + " (also in " + file.getFileName() + "):\n" + summary);
            } catch (IOException e) {
                System.out.println("bench: cannot read " + recording + ": " + e.getMessage());
            }
        }
    }

    static String summarise(List<RecordedEvent> events) {
        Map<String, Integer> byLibrary = new HashMap<>();
        Map<String, Integer> byOwnMethod = new HashMap<>();
        Map<String, Integer> byTopMethod = new HashMap<>();
        int samples = 0;
        for (RecordedEvent event : events) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null) {
                continue;
            }
            List<RecordedFrame> frames = event.getStackTrace().getFrames();
            if (frames.isEmpty()) {
                continue;
            }
            samples++;
            byTopMethod.merge(name(frames.getFirst()), 1, Integer::sum);
            byLibrary.merge(library(frames), 1, Integer::sum);
            frames.stream().filter(f -> type(f).startsWith("dev.voting.")).findFirst()
                    .ifPresent(f -> byOwnMethod.merge(name(f), 1, Integer::sum));
        }
        if (samples == 0) {
            return "no CPU samples\n";
        }
        return String.format(Locale.ROOT, "%,d CPU samples%n", samples)
                + table("by library (nearest non-JDK frame)", byLibrary, samples, 12)
                + table("by the application method on the stack (nearest dev.voting frame)", byOwnMethod, samples, 12)
                + table("hottest methods (top frame)", byTopMethod, samples, 12);
    }

    private static String library(List<RecordedFrame> frames) {
        for (RecordedFrame frame : frames) {
            String type = type(frame);
            for (Map.Entry<String, String> library : LIBRARIES) {
                if (type.startsWith(library.getKey())) {
                    return library.getValue();
                }
            }
            if (!(type.startsWith("java.") || type.startsWith("jdk.") || type.startsWith("sun.") || type.startsWith("javax."))) {
                return type.contains(".") ? type.substring(0, type.lastIndexOf('.')) : type;
            }
        }
        return "JDK only (threads, I/O, scheduling)";
    }

    private static String table(String title, Map<String, Integer> counts, int samples, int limit) {
        return "  " + title + ":\n" + counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(limit)
                .map(e -> String.format(Locale.ROOT, "    %5.1f %%  %s", 100.0 * e.getValue() / samples, e.getKey()))
                .collect(Collectors.joining("\n")) + "\n";
    }

    private static String type(RecordedFrame frame) {
        return frame.getMethod() == null || frame.getMethod().getType() == null ? "?" : frame.getMethod().getType().getName();
    }

    private static String name(RecordedFrame frame) {
        String type = type(frame);
        return type.substring(type.lastIndexOf('.') + 1) + "." + (frame.getMethod() == null ? "?" : frame.getMethod().getName());
    }
}
