package dev.voting.loadtest.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What machine and which code a benchmark ran on. */
final class Machine {
    private Machine() {
    }

    static BenchResult.Machine describe() {
        String commit = git("rev-parse", "--short", "HEAD");
        String status = git("status", "--porcelain", "--untracked-files=no");
        return new BenchResult.Machine(cpuModel(), Runtime.getRuntime().availableProcessors(), memoryMiB(),
                read("/proc/sys/kernel/osrelease").trim(), Runtime.version().toString(),
                commit.isBlank() ? "unknown" : commit.trim(), !status.isBlank());
    }

    private static String cpuModel() {
        return read("/proc/cpuinfo").lines().filter(l -> l.startsWith("model name")).findFirst()
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
    }

    private static long memoryMiB() {
        return read("/proc/meminfo").lines().filter(l -> l.startsWith("MemTotal:")).findFirst()
                .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024).orElse(0L);
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file));
        } catch (IOException e) {
            return "";
        }
    }

    private static String git(String... arguments) {
        try {
            Process git = new ProcessBuilder(concat(arguments)).redirectErrorStream(true).start();
            String out = new String(git.getInputStream().readAllBytes());
            return git.waitFor(10, TimeUnit.SECONDS) && git.exitValue() == 0 ? out : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static List<String> concat(String... arguments) {
        List<String> command = new java.util.ArrayList<>(List.of("git"));
        command.addAll(List.of(arguments));
        return command;
    }
}
