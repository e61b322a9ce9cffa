package dev.voting.testkit.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * One operating-system process that a test started, with its output in a log file. Signals go to
 * the recorded PID only, never to a process found by name, so that the machine's own services and
 * other engineers' processes are never touched.
 */
public final class Child implements AutoCloseable {
    private final String name;
    private final ProcessBuilder builder;
    private final Path log;
    private Process process;
    /** The PID to signal when it is not the one started (a shell wrapper that forks the real server). */
    private LongSupplier target;

    public Child(String name, List<String> command, Map<String, String> environment, Path directory, Path log) {
        this.name = name;
        this.log = log;
        this.builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        // A test JVM stopped halfway (Ctrl-C on make chaos) still takes its children with it.
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "stop-" + name));
    }

    public synchronized Child start() {
        if (isAlive()) {
            throw new IllegalStateException(name + " is already running as " + pid());
        }
        try {
            Files.createDirectories(log.getParent());
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
        target = process::pid;
        return this;
    }

    /** Signals go to the PID this returns from now on (read when signalling, e.g. from a PID file). */
    public synchronized Child signalling(LongSupplier pid) {
        this.target = pid;
        return this;
    }

    public String name() {
        return name;
    }

    public synchronized long pid() {
        return target.getAsLong();
    }

    /** The PID of the process this started (which may be a wrapper of the one signalled). */
    public synchronized long startedPid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** {@code kill -9}: no goodbye, as a crash. Waits until the process is gone. */
    public synchronized void kill() {
        signal("KILL");
        await(Duration.ofSeconds(30));
    }

    /** SIGTERM, then waits up to {@code bound} for a clean exit; true when it exited in time. */
    public synchronized boolean terminate(Duration bound) {
        if (!isAlive()) {
            return true;
        }
        signal("TERM");
        return await(bound);
    }

    /** SIGSTOP: the process stays, frozen, holding its sockets and locks. */
    public synchronized void pause() {
        signal("STOP");
    }

    public synchronized void resume() {
        signal("CONT");
    }

    public synchronized void signal(String signal) {
        if (process == null) {
            return;
        }
        long pid = pid();
        if (!isAlive(pid)) {
            return;
        }
        Processes.run(List.of("kill", "-" + signal, Long.toString(pid)), Duration.ofSeconds(10));
    }

    /** Waits for the started process to exit; true when it did within the bound. */
    public synchronized boolean await(Duration bound) {
        if (process == null) {
            return true;
        }
        try {
            return process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public synchronized int exitCode() {
        return process.exitValue();
    }

    /** The last lines of the log, for failure messages. */
    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public synchronized void close() {
        if (process == null) {
            return;
        }
        if (isAlive(pid())) {
            signal("CONT");
            signal("KILL");
        }
        process.destroyForcibly();
        await(Duration.ofSeconds(30));
    }

    private static boolean isAlive(long pid) {
        return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Override
    public String toString() {
        return name + (process == null ? "" : " (pid " + pid() + ")");
    }
}
