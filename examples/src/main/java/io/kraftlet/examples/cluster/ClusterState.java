package io.kraftlet.examples.cluster;

import io.kraftlet.examples.config.ProcessRole;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * The state file {@value #FILE_NAME} in a cluster directory: the cluster id, and for each node
 * its layout ({@link ClusterNode}) and the process last started for it (pid and start time).
 * {@code kraftlet cluster up} writes it after each launch, so a launch interrupted half way can
 * still be stopped with {@code cluster down}; the other {@code cluster} commands read it and
 * rewrite it when they start a node.
 *
 * <p>Immutable: {@link #withProcess} returns a new state. {@link #save} replaces the file
 * atomically, so a reader never sees half of it. One user at a time is assumed; two commands
 * starting nodes of the same directory at once may lose one pid (its node then shows dead).
 *
 * @param clusterId the id every node was formatted with
 * @param nodes every node, in launch order, with its last process if any
 */
public record ClusterState(String clusterId, List<NodeEntry> nodes) {
    public static final String FILE_NAME = "cluster.state";

    public ClusterState {
        Objects.requireNonNull(clusterId, "clusterId");
        nodes = List.copyOf(nodes);
    }

    /**
     * A node and the process last started for it.
     *
     * @param node the node's layout
     * @param process its process, empty until first launched
     */
    public record NodeEntry(ClusterNode node, Optional<NodeProcessId> process) {
        public NodeEntry {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(process, "process");
        }
    }

    /** A fresh state for a planned cluster: no process started yet. */
    public static ClusterState planned(ClusterPlan plan) {
        return new ClusterState(plan.clusterId(),
                plan.nodes().stream().map(node -> new NodeEntry(node, Optional.empty())).toList());
    }

    /** The state with {@code nodeId}'s process replaced. */
    public ClusterState withProcess(int nodeId, NodeProcessId process) {
        entry(nodeId);
        List<NodeEntry> updated = new ArrayList<>();
        for (NodeEntry entry : nodes) {
            updated.add(entry.node().nodeId() == nodeId ? new NodeEntry(entry.node(), Optional.of(process)) : entry);
        }
        return new ClusterState(clusterId, updated);
    }

    /**
     * The entry of {@code nodeId}.
     *
     * @throws IllegalArgumentException naming the cluster's node ids if there is no such node
     */
    public NodeEntry entry(int nodeId) {
        return nodes.stream().filter(entry -> entry.node().nodeId() == nodeId).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("cluster " + clusterId + " has no node " + nodeId
                        + " (its nodes: " + String.join(", ", nodes.stream()
                        .map(entry -> Integer.toString(entry.node().nodeId())).toList()) + ")"));
    }

    /** The state file of the cluster directory {@code dir}. */
    public static Path file(Path dir) {
        return dir.resolve(FILE_NAME);
    }

    /**
     * Reads the state of the cluster in {@code dir}, if there is one.
     *
     * @throws IllegalStateException if the file is there but damaged
     */
    public static Optional<ClusterState> load(Path dir) {
        Path file = file(dir);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            return Optional.of(parse(properties));
        } catch (RuntimeException damaged) {
            throw new IllegalStateException(file + " is damaged (" + damaged.getMessage() + "); stop its nodes by hand",
                    damaged);
        }
    }

    /** Loads the state, or says there is no cluster in {@code dir}. */
    public static ClusterState require(Path dir) {
        return load(dir).orElseThrow(() -> new IllegalArgumentException("no cluster in " + dir + " (no " + FILE_NAME
                + "); start one with `kraftlet cluster up --dir " + dir + "`"));
    }

    /** Writes the state to {@code dir}, replacing the file atomically. */
    public void save(Path dir) {
        Path file = file(dir);
        Path temporary = dir.resolve(FILE_NAME + ".tmp");
        try {
            Files.writeString(temporary, text(), StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** The file's text: {@code key=value} lines, one node after the other. */
    String text() {
        Map<String, String> lines = new LinkedHashMap<>();
        lines.put("cluster.id", clusterId);
        lines.put("nodes", String.join(",", nodes.stream().map(entry -> Integer.toString(entry.node().nodeId())).toList()));
        for (NodeEntry entry : nodes) {
            ClusterNode node = entry.node();
            String prefix = "node." + node.nodeId() + ".";
            lines.put(prefix + "roles", node.role().configName());
            lines.put(prefix + "port", Integer.toString(node.port()));
            if (node.role() == ProcessRole.COMBINED) {
                lines.put(prefix + "controller.port", Integer.toString(node.controllerPort()));
            }
            lines.put(prefix + "metrics.port", Integer.toString(node.metricsPort()));
            lines.put(prefix + "config", node.configFile().toString());
            lines.put(prefix + "log", node.logFile().toString());
            entry.process().ifPresent(process -> {
                lines.put(prefix + "pid", Long.toString(process.pid()));
                process.startedAt().ifPresent(started -> lines.put(prefix + "started", started.toString()));
            });
        }
        StringBuilder text = new StringBuilder("# Written by `kraftlet cluster`; its status, start-node, stop-node,"
                + " kill-node and down commands read it.\n");
        lines.forEach((key, value) -> text.append(key).append('=').append(escape(value)).append('\n'));
        return text.toString();
    }

    private static ClusterState parse(Properties properties) {
        String clusterId = required(properties, "cluster.id");
        List<NodeEntry> nodes = new ArrayList<>();
        for (String id : required(properties, "nodes").split(",")) {
            int nodeId = Integer.parseInt(id.trim());
            String prefix = "node." + nodeId + ".";
            ProcessRole role = role(required(properties, prefix + "roles"));
            int port = Integer.parseInt(required(properties, prefix + "port"));
            int controllerPort = switch (role) {
                case CONTROLLER -> port;
                case BROKER -> -1;
                case COMBINED -> Integer.parseInt(required(properties, prefix + "controller.port"));
            };
            ClusterNode node = new ClusterNode(nodeId, role, port, controllerPort,
                    Integer.parseInt(required(properties, prefix + "metrics.port")),
                    Path.of(required(properties, prefix + "config")), Path.of(required(properties, prefix + "log")));
            Optional<NodeProcessId> process = Optional.ofNullable(properties.getProperty(prefix + "pid"))
                    .map(pid -> new NodeProcessId(Long.parseLong(pid.trim()),
                            Optional.ofNullable(properties.getProperty(prefix + "started")).map(Instant::parse)));
            nodes.add(new NodeEntry(node, process));
        }
        return new ClusterState(clusterId, nodes);
    }

    private static ProcessRole role(String name) {
        for (ProcessRole role : ProcessRole.values()) {
            if (role.configName().equals(name.trim())) {
                return role;
            }
        }
        throw new IllegalArgumentException("unknown role '" + name + "'");
    }

    private static String required(Properties properties, String key) {
        String value = properties.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(key + " is missing");
        }
        return value.trim();
    }

    /** Backslashes (Windows paths) are escapes in a properties file. */
    private static String escape(String value) {
        return value.replace("\\", "\\\\");
    }
}
