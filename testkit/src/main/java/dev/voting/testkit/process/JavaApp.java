package dev.voting.testkit.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The API or the worker run from its built jar as a process of its own, as in production. */
public final class JavaApp {
    private JavaApp() {
    }

    /** The jar a module's {@code package} phase built, e.g. {@code api/target/voting-api.jar}, found from any module. */
    public static Path jar(String module, String fileName) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(module).resolve("target").resolve(fileName);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(module + "/target/" + fileName + " is not built; run ./mvnw package first");
    }

    /** The API from its jar with {@code environment} (which names its {@code API_PORT}), once it listens there. */
    public static Child startApi(String name, Map<String, String> environment, Path logDirectory) {
        int port = Integer.parseInt(environment.get("API_PORT"));
        Child api = process(name, jar("api", "voting-api.jar"), environment, logDirectory).start();
        Processes.awaitPort(api, port, Duration.ofSeconds(60));
        return api;
    }

    public static Child process(String name, Path jar, Map<String, String> environment, Path logDirectory, String... jvmOptions) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        command.addAll(List.of(jvmOptions));
        command.add("-jar");
        command.add(jar.toString());
        return new Child(name, command, environment, logDirectory, logDirectory.resolve(name + ".log"));
    }
}
