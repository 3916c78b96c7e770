package io.kraftlet.examples.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kraftlet.examples.KraftletCli;
import io.kraftlet.examples.describe.QuorumDescribeClient;
import io.kraftlet.transport.grpc.HostPort;
import io.kraftlet.transport.grpc.TlsSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import picocli.CommandLine;

/**
 * A cluster of {@link NodeProcess}es on loopback: controllers (voters 1..n by default, or the ids
 * given) with fixed free ports, formatted for one random cluster id, plus any observers and
 * brokers. Everything lives under {@code target/process-it/<test>-<time>/node-<id>/}, kept after
 * the run for diagnosis.
 */
final class ProcessCluster implements AutoCloseable {
    /** Short timeouts so failover takes a few seconds, but not so short that a loaded machine flaps. */
    static final Map<String, String> FAST_TIMEOUTS = Map.of(
            "controller.quorum.election.timeout.ms", "500",
            "controller.quorum.fetch.timeout.ms", "1000",
            "controller.quorum.election.backoff.max.ms", "500",
            "controller.quorum.request.timeout.ms", "1000",
            "controller.quorum.append.linger.ms", "10");
    private static final Duration DESCRIBE_TIMEOUT = Duration.ofSeconds(2);

    final String clusterId = "it-" + UUID.randomUUID().toString().substring(0, 8);
    final Path home;
    final String voters;
    private final Map<String, String> common;
    private final Map<Integer, Integer> voterPorts = new TreeMap<>();
    private final Map<Integer, NodeProcess> nodes = new TreeMap<>();
    private Optional<TlsSettings> clientTls = Optional.empty();

    /**
     * @param voterCount voters 1..voterCount
     * @param common keys every node's configuration gets (after the basics and {@link #FAST_TIMEOUTS})
     */
    ProcessCluster(String testName, int voterCount, Map<String, String> common) {
        this(testName, IntStream.rangeClosed(1, voterCount).boxed().toList(), common);
    }

    /**
     * @param voterIds the controllers' node ids
     * @param common keys every node's configuration gets (after the basics and {@link #FAST_TIMEOUTS})
     */
    ProcessCluster(String testName, List<Integer> voterIds, Map<String, String> common) {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("HHmmss-SSS"));
        Path base = Path.of(Optional.ofNullable(System.getProperty("kraftlet.it.dir")).orElse("target/process-it"));
        this.home = base.resolve(testName + "-" + stamp).toAbsolutePath();
        this.common = common;
        List<Integer> ports = freePorts(voterIds.size());
        for (int i = 0; i < voterIds.size(); i++) {
            voterPorts.put(voterIds.get(i), ports.get(i));
        }
        this.voters = voterPorts.entrySet().stream()
                .map(voter -> voter.getKey() + "@127.0.0.1:" + voter.getValue())
                .collect(Collectors.joining(","));
    }

    /** The TLS settings the in-process describe client uses. */
    void clientTls(TlsSettings tls) {
        this.clientTls = Optional.of(tls);
    }

    /** Creates (and formats) a controller node: a voter if its id has a voter port, else an observer on a free port. */
    NodeProcess addNode(int nodeId, Map<String, String> extra) {
        int port = voterPorts.containsKey(nodeId) ? voterPorts.get(nodeId) : freePorts(1).get(0);
        return addNode(nodeId, "controller", "CONTROLLER://127.0.0.1:" + port, port, extra);
    }

    /**
     * Creates (and formats) a broker advertising {@code PLAINTEXT://127.0.0.1:<a free port>}, its
     * partition logs in {@code node-<id>/logs} ({@code log.dirs}), apart from its metadata log.
     */
    NodeProcess addBroker(int nodeId, Map<String, String> extra) {
        int port = freePorts(1).get(0);
        Map<String, String> withLogDirs = new LinkedHashMap<>();
        withLogDirs.put("log.dirs", home.resolve("node-" + nodeId).resolve("logs").toString());
        withLogDirs.putAll(extra);
        return addNode(nodeId, "broker", "PLAINTEXT://127.0.0.1:" + port, port, withLogDirs);
    }

    private NodeProcess addNode(int nodeId, String role, String listener, int port, Map<String, String> extra) {
        Path nodeHome = home.resolve("node-" + nodeId);
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("node.id", Integer.toString(nodeId));
        properties.put("process.roles", role);
        properties.put("controller.quorum.voters", voters);
        properties.put("listeners", listener);
        properties.put("metadata.log.dir", nodeHome.resolve("data").toString());
        properties.putAll(FAST_TIMEOUTS);
        properties.putAll(common);
        properties.putAll(extra);
        NodeProcess node = new NodeProcess(nodeId, port, nodeHome, properties);
        format(node);
        nodes.put(nodeId, node);
        return node;
    }

    /** Creates every voter with the common configuration. */
    List<NodeProcess> addVoters() {
        List<NodeProcess> created = new ArrayList<>();
        for (int id : voterPorts.keySet()) {
            created.add(addNode(id, Map.of()));
        }
        return created;
    }

    /** The controllers' node ids, in order. */
    List<Integer> voterIds() {
        return List.copyOf(voterPorts.keySet());
    }

    NodeProcess node(int nodeId) {
        return nodes.get(nodeId);
    }

    /** Starts the given nodes' JVMs together, then waits for each to be ready. */
    void startAll(List<NodeProcess> toStart) {
        toStart.forEach(NodeProcess::startProcess);
        toStart.forEach(NodeProcess::awaitReady);
    }

    /** Asks the running given nodes until one answers as leader and {@code acceptable} takes its id. */
    QuorumDescribeClient.Answer awaitLeader(String what, Duration timeout, List<NodeProcess> ask, IntPredicate acceptable) {
        return Poll.value(what, timeout, this::diagnostics, () -> describe(ask)
                .filter(answer -> acceptable.test(answer.description().leaderId())));
    }

    /** The leader's answer, if one of the running given nodes answers as leader now. */
    Optional<QuorumDescribeClient.Answer> describe(List<NodeProcess> ask) {
        List<HostPort> controllers = ask.stream().filter(NodeProcess::isAlive)
                .map(node -> new HostPort(node.host, node.port)).toList();
        if (controllers.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new QuorumDescribeClient(clusterId, clientTls, DESCRIBE_TIMEOUT.toMillis())
                    .describeLeader(controllers));
        } catch (IllegalStateException noLeaderYet) {
            return Optional.empty();
        }
    }

    List<NodeProcess> nodes() {
        return List.copyOf(nodes.values());
    }

    String diagnostics() {
        return nodes.values().stream().map(NodeProcess::diagnostics).collect(Collectors.joining("\n"));
    }

    /** SIGKILLs every node still running. */
    @Override
    public void close() {
        nodes.values().forEach(NodeProcess::kill);
    }

    private void format(NodeProcess node) {
        StringWriter err = new StringWriter();
        CommandLine cli = KraftletCli.commandLine();
        cli.setOut(new PrintWriter(new StringWriter()));
        cli.setErr(new PrintWriter(err, true));
        int exitCode = cli.execute("format", "--cluster-id", clusterId, "--node-id", Integer.toString(node.nodeId),
                "--dir", node.dataDir.toString());
        assertEquals(0, exitCode, "format node " + node.nodeId + ": " + err);
    }

    /** Free loopback ports, all held at once so none is handed out twice. */
    static List<Integer> freePorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
            }
            return sockets.stream().map(ServerSocket::getLocalPort).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // Closing a listening socket that was never used cannot lose anything.
                }
            }
        }
    }
}
