package dev.voting.loadtest.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads CPU time from Linux's {@code /proc}: a process's user+system ticks, its children, which
 * process listens on a TCP port, and the machine's busy ticks. Ticks are USER_HZ, 100 a second on Linux.
 */
final class ProcStat {
    static final double TICKS_PER_SECOND = 100.0;

    /** The fields of {@code /proc/<pid>/stat} that matter here. */
    record Times(long pid, long parent, long ownTicks, long reapedChildrenTicks) {
    }

    private ProcStat() {
    }

    static Optional<Times> times(long pid) {
        try {
            return Optional.of(parse(Files.readString(Path.of("/proc", Long.toString(pid), "stat"))));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();  // the process is gone
        }
    }

    /** {@code comm} (field 2) may hold spaces and parentheses: the fields after it are counted from the last ')'. */
    static Times parse(String stat) {
        long pid = Long.parseLong(stat.substring(0, stat.indexOf(' ')));
        String[] rest = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        // rest[0] is field 3 (state): field n is rest[n - 3]
        return new Times(pid, Long.parseLong(rest[1]),
                Long.parseLong(rest[11]) + Long.parseLong(rest[12]),
                Long.parseLong(rest[13]) + Long.parseLong(rest[14]));
    }

    /** Every live process. */
    static List<Times> all() {
        List<Times> processes = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path process : entries) {
                times(Long.parseLong(process.getFileName().toString())).ifPresent(processes::add);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc: " + e.getMessage(), e);
        }
        return processes;
    }

    /** A short name for a process: its command and the end of its command line (where Maven's goals and main classes are). */
    static String describe(long pid) {
        try {
            String command = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"))).replace('\0', ' ').trim();
            String name = command.isEmpty() ? "?" : Path.of(command.split(" ")[0]).getFileName().toString();
            String tail = command.length() > 48 ? "…" + command.substring(command.length() - 47) : command;
            return name + " (" + tail + ")";
        } catch (IOException | RuntimeException e) {
            return "(gone)";
        }
    }

    /** The busy ticks of the whole machine (all but idle and iowait), from {@code /proc/stat}. */
    static long machineBusyTicks() {
        try {
            String[] cpu = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < cpu.length && i <= 8; i++) {
                if (i != 4 && i != 5) {  // idle, iowait
                    busy += Long.parseLong(cpu[i]);
                }
            }
            return busy;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/stat: " + e.getMessage(), e);
        }
    }

    /** The process listening on a local TCP port (v4 or v6), found through the socket's inode. */
    static Optional<Long> listener(int port) {
        Set<String> inodes = new HashSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                for (String line : Files.readAllLines(Path.of(table))) {
                    listeningInode(line, port).ifPresent(inodes::add);
                }
            } catch (IOException e) {
                // no IPv6 table on this machine
            }
        }
        if (inodes.isEmpty()) {
            return Optional.empty();
        }
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path process : processes) {
                if (holdsSocket(process, inodes)) {
                    return Optional.of(Long.parseLong(process.getFileName().toString()));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc: " + e.getMessage(), e);
        }
        return Optional.empty();
    }

    /** A line of /proc/net/tcp: {@code sl local_address rem_address st ... inode}; LISTEN is st 0A. */
    static Optional<String> listeningInode(String line, int port) {
        String[] fields = line.trim().split("\\s+");
        if (fields.length < 10 || !fields[3].equals("0A")) {
            return Optional.empty();
        }
        String local = fields[1];
        int localPort = Integer.parseInt(local.substring(local.indexOf(':') + 1), 16);
        return localPort == port ? Optional.of(fields[9]) : Optional.empty();
    }

    private static boolean holdsSocket(Path process, Set<String> inodes) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(process.resolve("fd"))) {
            for (Path fd : fds) {
                String target = Files.readSymbolicLink(fd).toString();
                if (target.startsWith("socket:[") && inodes.contains(target.substring(8, target.length() - 1))) {
                    return true;
                }
            }
        } catch (IOException | RuntimeException e) {
            return false;  // gone, or not ours to read
        }
        return false;
    }
}
