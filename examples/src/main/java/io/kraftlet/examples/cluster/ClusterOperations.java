package io.kraftlet.examples.cluster;

import io.kraftlet.examples.config.ConfigFiles;
import io.kraftlet.examples.config.NodeConfig;
import io.kraftlet.examples.config.NodeConfigParser;
import io.kraftlet.examples.config.ProcessRole;
import io.kraftlet.log.MetaProperties;
import io.kraftlet.quorum.MetadataQuorum;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What the {@code kraftlet cluster} commands do to the cluster in one directory: lay it out,
 * format and launch it ({@link #up}), report on it, and stop, kill or restart its nodes by the
 * process ids in its {@link ClusterState}. Every step prints one line to {@code out}; long waits
 * print a progress line every {@value #PROGRESS_MS} ms. Failures are exceptions whose message is
 * the one line the command prints.
 *
 * <p>Not thread-safe; one command at a time per directory.
 */
public final class ClusterOperations {
    /** How often a node's log and process are looked at while waiting. */
    static final long POLL_MS = 100;
    static final long PROGRESS_MS = 5_000;
    /** How long a node gets to exit after SIGTERM (a broker's controlled shutdown included) before SIGKILL. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);
    /** Log lines shown when a node exits while starting. */
    private static final int FAILURE_TAIL_LINES = 5;
    /** How deep {@link #up} looks for another cluster's {@code meta.properties} in a non-empty directory. */
    private static final int META_SEARCH_DEPTH = 4;

    private final Path dir;
    private final PrintWriter out;
    private final Duration timeout;

    /**
     * @param dir the cluster directory
     * @param out where progress and results go
     * @param timeout how long to wait for nodes to be ready (brokers: unfenced)
     */
    public ClusterOperations(Path dir, PrintWriter out, Duration timeout) {
        this.dir = dir.toAbsolutePath().normalize();
        this.out = out;
        this.timeout = timeout;
    }

    /**
     * Lays out, formats and launches {@code plan}, then waits until every node is ready and every
     * broker unfenced. On failure the nodes already started are stopped again.
     *
     * @throws IllegalArgumentException if the directory holds a cluster or other files, or a port is in use
     * @throws IllegalStateException if a node exits while starting or is not ready in time
     */
    public ClusterState up(ClusterPlan plan) {
        refuseOccupiedDir();
        refusePortsInUse(plan);
        ClusterState state = ClusterState.planned(plan);
        try {
            Files.createDirectories(dir);
            for (ClusterNode node : plan.nodes()) {
                writeProperties(node.configFile(), plan.properties(node));
                format(node);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the cluster under " + dir + ": " + e.getMessage(), e);
        }
        state.save(dir);
        out.println("Formatted " + plan.nodes().size() + " nodes for cluster " + plan.clusterId() + " under " + dir);
        out.flush();
        Map<Integer, Long> logOffsets = new LinkedHashMap<>();
        try {
            // Controllers first: brokers can do nothing until the quorum has a leader.
            List<ClusterNode> launchOrder = Stream.concat(plan.nodes().stream().filter(ClusterNode::isController),
                    plan.nodes().stream().filter(node -> !node.isController())).toList();
            for (ClusterNode node : launchOrder) {
                NodeLauncher.Launch launch = NodeLauncher.launch(node);
                state = state.withProcess(node.nodeId(), launch.process());
                state.save(dir);
                logOffsets.put(node.nodeId(), launch.logOffset());
                out.println("Started " + node.name() + " (pid " + launch.process().pid() + ") on " + node.address()
                        + ", log " + node.logFile());
            }
            out.flush();
            awaitLines(state, logOffsets);
        } catch (RuntimeException failure) {
            out.println("Stopping the nodes already started, since the cluster did not come up");
            down(state);
            throw failure;
        }
        printEndpoints(plan);
        return state;
    }

    /** Prints one line per node: id, roles, pid, alive or dead, port, metrics port. */
    public void status() {
        ClusterState state = ClusterState.require(dir);
        out.println("Cluster " + state.clusterId() + " in " + dir);
        // As wide as the longest roles ("broker,controller" for combined nodes), at least as "controller".
        int rolesWidth = state.nodes().stream().mapToInt(entry -> entry.node().role().configName().length())
                .reduce(11, Math::max);
        String row = "%-6s %-" + rolesWidth + "s %-8s %-6s %-6s %s";
        // A combined node has a second port, its controller's: shown in a column of its own.
        boolean combined = state.nodes().stream().anyMatch(entry -> entry.node().role() == ProcessRole.COMBINED);
        if (combined) {
            row = "%-6s %-" + rolesWidth + "s %-8s %-6s %-6s %-10s %s";
            out.println(String.format(row, "NODE", "ROLES", "PID", "STATE", "PORT", "CONTROLLER", "METRICS"));
        } else {
            out.println(String.format(row, "NODE", "ROLES", "PID", "STATE", "PORT", "METRICS"));
        }
        for (ClusterState.NodeEntry entry : state.nodes()) {
            ClusterNode node = entry.node();
            boolean alive = entry.process().map(NodeProcessId::isAlive).orElse(false);
            String pid = entry.process().map(process -> Long.toString(process.pid())).orElse("-");
            if (combined) {
                out.println(String.format(row, node.nodeId(), node.role().configName(), pid, alive ? "alive" : "dead",
                        node.port(), node.controllerPort() > 0 ? Integer.toString(node.controllerPort()) : "-",
                        node.metricsUrl()));
            } else {
                out.println(String.format(row, node.nodeId(), node.role().configName(), pid, alive ? "alive" : "dead",
                        node.port(), node.metricsUrl()));
            }
        }
        out.flush();
    }

    /** SIGTERM to the node, then waits for it to exit (SIGKILL after {@link #STOP_TIMEOUT}). */
    public void stopNode(int nodeId) {
        ClusterState.NodeEntry entry = ClusterState.require(dir).entry(nodeId);
        Optional<ProcessHandle> running = running(entry);
        if (running.isEmpty()) {
            out.println(entry.node().name() + " is not running");
        } else {
            running.get().destroy();
            awaitExit(entry.node(), running.get(), true);
        }
        out.flush();
    }

    /** SIGKILL to the node: no controlled shutdown, as if the machine died. */
    public void killNode(int nodeId) {
        ClusterState.NodeEntry entry = ClusterState.require(dir).entry(nodeId);
        Optional<ProcessHandle> running = running(entry);
        if (running.isEmpty()) {
            out.println(entry.node().name() + " is not running");
        } else {
            running.get().destroyForcibly();
            if (!waitFor(() -> JvmProcesses.waitFor(running.get(), KILL_TIMEOUT), running.get())) {
                throw new IllegalStateException(entry.node().name() + " (pid " + running.get().pid()
                        + ") still runs " + KILL_TIMEOUT.toSeconds() + " s after SIGKILL");
            }
            out.println("Killed " + entry.node().name() + " (pid " + running.get().pid() + ")");
        }
        out.flush();
    }

    /**
     * Starts a stopped node again with the same configuration and waits for its ready line (a
     * broker: until it is unfenced).
     *
     * @throws IllegalArgumentException if it is running
     */
    public void startNode(int nodeId) {
        ClusterState state = ClusterState.require(dir);
        ClusterState.NodeEntry entry = state.entry(nodeId);
        ClusterNode node = entry.node();
        Optional<ProcessHandle> running = running(entry);
        if (running.isPresent()) {
            throw new IllegalArgumentException(node.name() + " is already running (pid " + running.get().pid() + ")");
        }
        refusePortsInUse(List.of(node));
        NodeLauncher.Launch launch = NodeLauncher.launch(node);
        state = state.withProcess(nodeId, launch.process());
        state.save(dir);
        out.println("Started " + node.name() + " (pid " + launch.process().pid() + ") on " + node.address());
        out.flush();
        awaitLines(state, Map.of(nodeId, launch.logOffset()));
    }

    /** Stops every node still running (brokers first, then controllers); does nothing if none runs. */
    public void down() {
        Optional<ClusterState> state = ClusterState.load(dir);
        if (state.isEmpty()) {
            out.println("No cluster in " + dir + "; nothing to stop");
            out.flush();
            return;
        }
        down(state.get());
    }

    private void down(ClusterState state) {
        // Brokers first: their controlled shutdown needs a controller to move leaderships away.
        List<ClusterState.NodeEntry> brokers = state.nodes().stream().filter(entry -> entry.node().isBroker()).toList();
        List<ClusterState.NodeEntry> controllers = state.nodes().stream().filter(entry -> !entry.node().isBroker())
                .toList();
        int stopped = stopAll(brokers) + stopAll(controllers);
        out.println(stopped == 0 ? "No node of cluster " + state.clusterId() + " is running"
                : "Cluster " + state.clusterId() + " is down");
        out.flush();
    }

    /** SIGTERM to all at once, then waits for each. */
    private int stopAll(List<ClusterState.NodeEntry> entries) {
        Map<ClusterNode, ProcessHandle> running = new LinkedHashMap<>();
        for (ClusterState.NodeEntry entry : entries) {
            running(entry).ifPresent(process -> running.put(entry.node(), process));
        }
        running.values().forEach(ProcessHandle::destroy);
        running.forEach((node, process) -> awaitExit(node, process, false));
        return running.size();
    }

    private void awaitExit(ClusterNode node, ProcessHandle process, boolean progress) {
        long startNs = System.nanoTime();
        if (progress) {
            out.println("Stopping " + node.name() + " (pid " + process.pid() + ")...");
            out.flush();
        }
        switch (waitFor(() -> JvmProcesses.awaitExitOrKill(process, STOP_TIMEOUT, KILL_TIMEOUT), process)) {
            case EXITED -> out.println("Stopped " + node.name() + " (pid " + process.pid() + ") in "
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs) + " ms");
            case KILLED -> out.println("Killed " + node.name() + " (pid " + process.pid() + "): it did not exit within "
                    + STOP_TIMEOUT.toSeconds() + " s of SIGTERM");
            case STUCK -> throw new IllegalStateException(node.name() + " (pid " + process.pid()
                    + ") does not exit, even after SIGKILL");
        }
    }

    /** A wait for {@code process} to exit, an interrupt turned into the one-line failure a command prints. */
    private static <T> T waitFor(ExitWait<T> wait, ProcessHandle process) {
        try {
            return wait.await();
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for pid " + process.pid() + " to exit");
        }
    }

    private interface ExitWait<T> {
        T await() throws InterruptedException;
    }

    private static Optional<ProcessHandle> running(ClusterState.NodeEntry entry) {
        return entry.process().flatMap(NodeProcessId::handle);
    }

    /**
     * Waits until each node in {@code logOffsets} printed its ready line after its offset and each
     * broker its unfenced line; fails at once if one exits.
     */
    private void awaitLines(ClusterState state, Map<Integer, Long> logOffsets) {
        long startNs = System.nanoTime();
        long[] nextProgressNs = {startNs + TimeUnit.MILLISECONDS.toNanos(PROGRESS_MS)};
        Map<Integer, ClusterNode> waiting = new LinkedHashMap<>();
        logOffsets.keySet().forEach(id -> waiting.put(id, state.entry(id).node()));
        Map<Integer, Boolean> ready = new LinkedHashMap<>();
        JvmProcesses.pollUntil(() -> {
            for (ClusterNode node : List.copyOf(waiting.values())) {
                long offset = logOffsets.get(node.nodeId());
                checkAlive(state.entry(node.nodeId()), offset);
                if (!ready.containsKey(node.nodeId()) && JvmProcesses.findLine(node.logFile(), offset,
                        JvmProcesses.readyPrefix(node.nodeId())).isPresent()) {
                    ready.put(node.nodeId(), true);
                    if (!node.isBroker()) {
                        out.println(node.name() + " is ready on " + node.address());
                        waiting.remove(node.nodeId());
                    }
                }
                if (node.isBroker() && ready.containsKey(node.nodeId())) {
                    Optional<String> unfenced = JvmProcesses.findLine(node.logFile(), offset,
                            JvmProcesses.unfencedPrefix(node.nodeId()));
                    if (unfenced.isPresent()) {
                        out.println(unfenced.get().trim());
                        waiting.remove(node.nodeId());
                    }
                }
            }
            out.flush();
            return waiting.isEmpty();
        }, startNs + timeout.toNanos(), POLL_MS, () -> new IllegalStateException("not ready within "
                + timeout.toSeconds() + " s: " + describe(waiting, ready) + "; see "
                + waiting.values().iterator().next().logFile()), nowNs -> {
                    if (nowNs > nextProgressNs[0]) {
                        out.println("  waiting for " + describe(waiting, ready) + " ("
                                + TimeUnit.NANOSECONDS.toSeconds(nowNs - startNs) + " s of " + timeout.toSeconds()
                                + " s)");
                        out.flush();
                        nextProgressNs[0] = nowNs + TimeUnit.MILLISECONDS.toNanos(PROGRESS_MS);
                    }
                });
    }

    /** {@code controller 3001, broker 2 to listen; broker 1 to be unfenced}. */
    private static String describe(Map<Integer, ClusterNode> waiting, Map<Integer, Boolean> ready) {
        Map<Boolean, List<String>> byPhase = waiting.values().stream().collect(Collectors.partitioningBy(
                node -> ready.containsKey(node.nodeId()), Collectors.mapping(ClusterNode::name, Collectors.toList())));
        List<String> phases = new ArrayList<>();
        if (!byPhase.get(false).isEmpty()) {
            phases.add(String.join(", ", byPhase.get(false)) + " to listen");
        }
        if (!byPhase.get(true).isEmpty()) {
            phases.add(String.join(", ", byPhase.get(true)) + " to be unfenced");
        }
        return String.join("; ", phases);
    }

    private static void checkAlive(ClusterState.NodeEntry entry, long logOffset) {
        if (entry.process().map(NodeProcessId::isAlive).orElse(false)) {
            return;
        }
        ClusterNode node = entry.node();
        List<String> tail = JvmProcesses.tail(node.logFile(), logOffset, FAILURE_TAIL_LINES);
        String reason = tail.stream().filter(line -> line.startsWith("error:")).findFirst()
                .orElse(tail.isEmpty() ? "no output" : tail.get(tail.size() - 1));
        throw new IllegalStateException(node.name() + " exited while starting (" + reason.trim() + "); see "
                + node.logFile());
    }

    private void printEndpoints(ClusterPlan plan) {
        out.println();
        out.println("Cluster " + plan.clusterId() + " is up (" + (plan.combined() > 0
                ? plan.combined() + " combined nodes" : plan.controllers() + " controllers, " + plan.brokers() + " brokers")
                + ") in " + dir);
        out.println("  --bootstrap-controller " + plan.bootstrapControllers());
        out.println("  --bootstrap-server " + plan.bootstrapServers());
        for (ClusterNode node : plan.nodes()) {
            out.println("  metrics of " + node.name() + ": " + node.metricsUrl());
        }
        out.println("Stop it with: kraftlet cluster down --dir " + dir);
        out.flush();
    }

    /** Refuses a directory holding a cluster (named by its id) or anything else. */
    private void refuseOccupiedDir() {
        Optional<ClusterState> existing;
        try {
            existing = ClusterState.load(dir);
        } catch (IllegalStateException damaged) {
            throw new IllegalArgumentException(dir + " holds a damaged cluster state; give another --dir", damaged);
        }
        if (existing.isPresent()) {
            boolean running = existing.get().nodes().stream()
                    .anyMatch(entry -> entry.process().map(NodeProcessId::isAlive).orElse(false));
            throw new IllegalArgumentException(dir + " holds cluster " + existing.get().clusterId()
                    + (running ? ", which is running (see `kraftlet cluster status --dir " + dir + "`)"
                            : "; start its nodes with `kraftlet cluster start-node`, or delete the directory")
                    + "; give another --dir for a new cluster");
        }
        if (!Files.isDirectory(dir)) {
            if (Files.exists(dir)) {
                throw new IllegalArgumentException(dir + " is a file, not a directory");
            }
            return;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            if (entries.findAny().isEmpty()) {
                return;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        Optional<String> otherCluster = formattedClusterId();
        throw new IllegalArgumentException(otherCluster
                .map(id -> dir + " holds data of cluster " + id + "; give an empty or new --dir")
                .orElse(dir + " is not empty; give an empty or new --dir"));
    }

    /** The cluster id of any {@code meta.properties} under the directory. */
    private Optional<String> formattedClusterId() {
        try (Stream<Path> paths = Files.find(dir, META_SEARCH_DEPTH,
                (path, attributes) -> path.getFileName().toString().equals(MetaProperties.FILE_NAME))) {
            return paths.findFirst().map(meta -> MetaProperties.load(meta.getParent()).clusterId());
        } catch (IOException | RuntimeException unreadable) {
            return Optional.empty();
        }
    }

    private static void refusePortsInUse(ClusterPlan plan) {
        refusePortsInUse(plan.nodes());
    }

    /** Tries to bind every port of the nodes on loopback: one in use would fail its node's start. */
    static void refusePortsInUse(List<ClusterNode> nodes) {
        for (ClusterNode node : nodes) {
            refusePortInUse(node.port(), node.name() + "'s listener");
            if (node.controllerPort() != node.port() && node.controllerPort() > 0) {
                refusePortInUse(node.controllerPort(), node.name() + "'s controller listener");
            }
            refusePortInUse(node.metricsPort(), node.name() + "'s metrics.port");
        }
    }

    private static void refusePortInUse(int port, String what) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(ClusterNode.HOST), port), 1);
        } catch (IOException inUse) {
            throw new IllegalArgumentException("port " + port + " (" + what + ") is in use on " + ClusterNode.HOST
                    + "; stop what holds it or give another --base-port");
        }
    }

    /** Writes the node's properties and checks them with the parser {@code kraftlet node} uses. */
    private static void writeProperties(Path file, Map<String, String> properties) throws IOException {
        Files.createDirectories(file.getParent());
        StringBuilder text = new StringBuilder("# Written by `kraftlet cluster up`; run with `kraftlet node --config "
                + file.getFileName() + "`.\n");
        properties.forEach((key, value) -> text.append(key).append('=').append(value.replace("\\", "\\\\"))
                .append('\n'));
        Files.writeString(file, text.toString(), StandardCharsets.UTF_8);
    }

    /** As {@code kraftlet format --config FILE} does. */
    private static void format(ClusterNode node) {
        NodeConfig config = NodeConfigParser.parse(ConfigFiles.load(node.configFile()));
        MetadataQuorum.format(config.metadataLogDir(), config.clusterId().orElseThrow(), config.nodeId());
    }
}
