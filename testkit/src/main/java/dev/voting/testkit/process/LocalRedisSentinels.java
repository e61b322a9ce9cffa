package dev.voting.testkit.process;

import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A Redis master, one replica and three Sentinels of a test's own on loopback ports, without
 * persistence, as a production Sentinel setup with a quorum of two: kill the master and the
 * Sentinels promote the replica. Only the processes started here are ever signalled.
 */
public final class LocalRedisSentinels implements AutoCloseable {
    public static final String MASTER_NAME = "votingmaster";
    private static final Duration READY_BOUND = Duration.ofSeconds(60);

    private final Path home;
    private final int masterPort = Ports.free();
    private final int replicaPort = Ports.free();
    private final List<Integer> sentinelPorts = List.of(Ports.free(), Ports.free(), Ports.free());
    private final List<Child> children = new ArrayList<>();
    private Child master;

    public LocalRedisSentinels(Path home) {
        this.home = home.toAbsolutePath();
    }

    public static boolean available() {
        return LocalRedis.available();
    }

    public LocalRedisSentinels start() {
        master = server("redis-master", masterPort, List.of());
        server("redis-replica", replicaPort, List.of("--replicaof", "127.0.0.1", Integer.toString(masterPort)));
        for (int i = 0; i < sentinelPorts.size(); i++) {
            sentinel(i);
        }
        awaitReady();
        return this;
    }

    /** {@code host:port,...} of the Sentinels, for {@code REDIS_SENTINELS}. */
    public String sentinels() {
        return sentinelPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    /** For {@code REDIS_URL}: the database (the host is the master's, which the Sentinels may replace). */
    public String url() {
        return "redis://127.0.0.1:" + masterPort + "/0";
    }

    /** {@code kill -9} of the first master: everything it held that the replica had not received is gone. */
    public void killMaster() {
        master.kill();
    }

    /** The port of the server the Sentinels name master now; 0 while none answers (mid-failover). */
    public int currentMasterPort() {
        try (Jedis sentinel = new Jedis(new HostAndPort("127.0.0.1", sentinelPorts.getFirst()))) {
            return Integer.parseInt(sentinel.sentinelGetMasterAddrByName(MASTER_NAME).get(1));
        } catch (RuntimeException e) {
            return 0;
        }
    }

    public int replicaPort() {
        return replicaPort;
    }

    private Child server(String name, int port, List<String> extra) {
        Path dir = directory(name);
        List<String> command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--protected-mode", "no", "--dir", dir.toString(),
                "--repl-diskless-sync-delay", "0"));  // the default 5 s makes the replica's first sync take 6.5 s
        command.addAll(extra);
        Child child = new Child(name, command, Map.of(), dir, dir.resolve(name + ".log")).start();
        children.add(child);
        Processes.awaitPort(child, port, READY_BOUND);
        return child;
    }

    private void sentinel(int index) {
        String name = "redis-sentinel-" + index;
        Path dir = directory(name);
        Path conf = dir.resolve("sentinel.conf");  // Sentinel rewrites its file: one each, writable
        try {
            Files.writeString(conf, String.join("\n",
                    "port " + sentinelPorts.get(index),
                    "bind 127.0.0.1",
                    "protected-mode no",
                    "dir " + dir,
                    "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + masterPort + " 2",
                    "sentinel down-after-milliseconds " + MASTER_NAME + " 1000",
                    "sentinel failover-timeout " + MASTER_NAME + " 3000",
                    ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Child child = new Child(name, List.of("redis-server", conf.toString(), "--sentinel"), Map.of(), dir, dir.resolve(name + ".log"))
                .start();
        children.add(child);
        Processes.awaitPort(child, sentinelPorts.get(index), READY_BOUND);
    }

    /** The replica is in sync and every Sentinel sees the master, the replica and the two other Sentinels. */
    private void awaitReady() {
        long deadline = System.nanoTime() + READY_BOUND.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            try (Jedis replica = new Jedis(new HostAndPort("127.0.0.1", replicaPort))) {
                boolean synced = replica.info("replication").contains("master_link_status:up");
                boolean quorum = sentinelPorts.stream().allMatch(port -> {
                    try (Jedis sentinel = new Jedis(new HostAndPort("127.0.0.1", port))) {
                        return sentinel.sentinelSentinels(MASTER_NAME).size() == sentinelPorts.size() - 1
                                && sentinel.sentinelReplicas(MASTER_NAME).size() == 1;
                    }
                });
                if (synced && quorum) {
                    return;
                }
                last = "replica synced " + synced + ", Sentinels agreed " + quorum;
            } catch (RuntimeException e) {
                last = e.toString();
            }
            Processes.sleep(Duration.ofMillis(200));
        }
        throw new IllegalStateException("the Sentinel setup under " + home + " was not ready within " + READY_BOUND.toSeconds()
                + " s: " + last);
    }

    private Path directory(String name) {
        Path dir = home.resolve(name);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    @Override
    public void close() {
        children.reversed().forEach(Child::close);
    }
}
