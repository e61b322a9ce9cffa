package dev.voting.testkit.process;

import com.fasterxml.jackson.databind.JsonNode;
import dev.voting.shared.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

/**
 * A RabbitMQ cluster of a test's own: {@code size} nodes on loopback, each with its own node name,
 * AMQP and distribution ports, data and logs under {@code target/}, formed at boot by
 * {@code classic_config} peer discovery. Nodes and CLI run as the {@code rabbitmq} user, whose
 * Erlang cookie they share (as root they would each take root's and could not join). Both config
 * files are the node's own: the machine's name a node {@code rabbit@localhost} on 5672.
 */
public final class LocalRabbitCluster implements AutoCloseable {
    private static final Path BIN = Path.of("/usr/lib/rabbitmq/bin");
    private static final Path RABBITMQ_HOME = Path.of("/var/lib/rabbitmq");
    private static final String LOOPBACK_ONLY = "-kernel inet_dist_use_interface {127,0,0,1}";

    private record Node(String name, int port, Path home, Child server) {
        Path pidFile() {
            return home.resolve("pid");
        }
    }

    private final Path home;
    private final List<Node> nodes = new ArrayList<>();

    public LocalRabbitCluster(Path home, int size) {
        this(home, size, Duration.ofSeconds(60));
    }

    /**
     * {@code netTicktime}: how long a node that stopped answering (hung, not dead) takes to be noticed
     * by the others; Erlang's default is 60 s, which a test that pauses a node lowers.
     */
    public LocalRabbitCluster(Path home, int size, Duration netTicktime) {
        this.home = home.toAbsolutePath();
        List<Integer> ports = IntStream.range(0, size).mapToObj(i -> Ports.free()).toList();
        // unique in the machine's shared epmd, where other tests register nodes too
        List<String> names = ports.stream().map(port -> "cluster" + port + "@localhost").toList();
        StringBuilder peers = new StringBuilder("cluster_formation.peer_discovery_backend = classic_config\n"
                + "cluster_formation.discovery_retry_limit = 60\n"
                + "net_ticktime = " + netTicktime.toSeconds() + "\n");
        for (int i = 0; i < size; i++) {
            peers.append("cluster_formation.classic_config.nodes.").append(i + 1).append(" = ").append(names.get(i)).append('\n');
        }
        try {
            Files.createDirectories(this.home);
            Files.writeString(this.home.resolve("cli-env.conf"), "");
            for (int i = 0; i < size; i++) {
                Path dir = this.home.resolve("n" + (i + 1));
                Files.createDirectories(dir.resolve("mnesia"));
                Files.createDirectories(dir.resolve("log"));
                Files.writeString(dir.resolve("rabbitmq.conf"), "listeners.tcp.default = 127.0.0.1:" + ports.get(i) + "\n"
                        + "loopback_users = none\n" + peers);
                Files.writeString(dir.resolve("rabbitmq-env.conf"), "SERVER_ADDITIONAL_ERL_ARGS=\"" + LOOPBACK_ONLY + "\"\n");
                Files.writeString(dir.resolve("enabled_plugins"), "[].\n");
                Map<String, String> environment = Map.ofEntries(
                        Map.entry("HOME", RABBITMQ_HOME.toString()),
                        Map.entry("RABBITMQ_NODENAME", names.get(i)),
                        Map.entry("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1"),
                        Map.entry("RABBITMQ_NODE_PORT", Integer.toString(ports.get(i))),
                        Map.entry("RABBITMQ_DIST_PORT", Integer.toString(Ports.free())),
                        Map.entry("RABBITMQ_MNESIA_BASE", dir.resolve("mnesia").toString()),
                        Map.entry("RABBITMQ_LOG_BASE", dir.resolve("log").toString()),
                        Map.entry("RABBITMQ_PID_FILE", dir.resolve("pid").toString()),
                        Map.entry("RABBITMQ_ENABLED_PLUGINS_FILE", dir.resolve("enabled_plugins").toString()),
                        Map.entry("RABBITMQ_CONFIG_FILE", dir.resolve("rabbitmq.conf").toString()),
                        Map.entry("RABBITMQ_CONF_ENV_FILE", dir.resolve("rabbitmq-env.conf").toString()));
                Child server = new Child("rabbitmq-" + (i + 1), asRabbitmq(List.of(BIN.resolve("rabbitmq-server").toString())),
                        environment, dir, dir.resolve("rabbitmq.log"));
                nodes.add(new Node(names.get(i), ports.get(i), dir, server));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Processes.run(List.of("chown", "-R", "rabbitmq:rabbitmq", this.home.toString()), Duration.ofSeconds(30));
    }

    public static boolean available() {
        return Files.isExecutable(BIN.resolve("rabbitmq-server")) && Files.exists(RABBITMQ_HOME.resolve(".erlang.cookie"))
                && "root".equals(System.getProperty("user.name"));
    }

    /** Boots every node at once (they wait for each other to form the cluster): ~30 s on two cores. */
    public LocalRabbitCluster start() {
        CompletableFuture.allOf(IntStream.rangeClosed(1, nodes.size())
                .mapToObj(number -> CompletableFuture.runAsync(() -> start(number))).toArray(CompletableFuture[]::new)).join();
        return this;
    }

    /** Starts node {@code number} (1, 2, ...), again after a kill; returns once it takes AMQP connections. */
    public void start(int number) {
        Node node = node(number);
        try {
            Files.deleteIfExists(node.pidFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Child started = node.server().start();
        node.server().signalling(() -> vmPid(node, started));
        Processes.awaitPort(node.server(), node.port(), Duration.ofSeconds(120));
    }

    /** {@code kill -9} of node {@code number}'s Erlang VM. */
    public void kill(int number) {
        node(number).server().kill();
    }

    /** SIGSTOP of node {@code number}'s Erlang VM: it holds its sockets and answers nothing until {@link #resume}. */
    public void pause(int number) {
        node(number).server().pause();
    }

    public void resume(int number) {
        node(number).server().resume();
    }

    /** Every node in one URL, as {@code RABBITMQ_URL} takes it. */
    public String url() {
        return "amqp://guest:guest@" + String.join(",", nodes.stream().map(n -> "127.0.0.1:" + n.port()).toList()) + "/";
    }

    public String url(int number) {
        return "amqp://guest:guest@127.0.0.1:" + node(number).port() + "/";
    }

    public int size() {
        return nodes.size();
    }

    /** Where a quorum queue's leader is (node 1, 2, ...) and on how many nodes it has a replica. */
    public record Replicas(int leader, int members) {
    }

    /** Every queue's {@link Replicas}, by name, as node {@code via} sees them (one CLI call). */
    public Map<String, Replicas> replicas(int via) {
        String output = rabbitmqctl(via, "list_queues", "name", "leader", "members", "--formatter", "json", "--quiet");
        Map<String, Replicas> queues = new java.util.HashMap<>();
        try {
            for (JsonNode row : Json.newMapper().readTree(output.substring(output.indexOf('[')))) {
                queues.put(row.path("name").asText(), new Replicas(number(row.path("leader").asText()), row.path("members").size()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable list_queues output: " + output, e);
        }
        return queues;
    }

    public List<Long> pids() {
        return nodes.stream().map(n -> n.server().isAlive() ? n.server().pid() : -1L).toList();
    }

    private int number(String name) {
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i).name().equals(name)) {
                return i + 1;
            }
        }
        throw new IllegalStateException(name + " is not a node of this cluster");
    }

    /** One CLI call (an Erlang VM of its own, ~2 CPU-s): use sparingly. */
    private String rabbitmqctl(int via, String... arguments) {
        List<String> command = new ArrayList<>(asRabbitmq(List.of(BIN.resolve("rabbitmqctl").toString(), "-n", node(via).name())));
        command.addAll(List.of(arguments));
        String port = Integer.toString(Ports.free());
        return Processes.run(command, Map.of("HOME", RABBITMQ_HOME.toString(),
                "RABBITMQ_CONF_ENV_FILE", home.resolve("cli-env.conf").toString(),
                "RABBITMQ_CTL_DIST_PORT_MIN", port, "RABBITMQ_CTL_DIST_PORT_MAX", port,
                "RABBITMQ_CTL_ERL_ARGS", LOOPBACK_ONLY), Duration.ofSeconds(60));
    }

    private Node node(int number) {
        return nodes.get(number - 1);
    }

    /** The script forks the Erlang VM, which writes its PID file once booted; until then the script stands in. */
    private static long vmPid(Node node, Child started) {
        try {
            String text = Files.exists(node.pidFile()) ? Files.readString(node.pidFile()).strip() : "";
            if (!text.isEmpty()) {
                return Long.parseLong(text);
            }
        } catch (IOException | NumberFormatException e) {
            // not written yet
        }
        return started.startedPid();
    }

    /** setpriv executes in place (no fork), so the PID recorded is the script's own. */
    private static List<String> asRabbitmq(List<String> command) {
        List<String> wrapped = new ArrayList<>(List.of("setpriv", "--reuid=rabbitmq", "--regid=rabbitmq", "--init-groups", "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    @Override
    public void close() {
        for (Node node : nodes.reversed()) {
            node.server().close();
        }
    }
}
