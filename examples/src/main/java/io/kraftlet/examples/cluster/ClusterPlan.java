package io.kraftlet.examples.cluster;

import io.kraftlet.examples.config.NodeConfigParser;
import io.kraftlet.examples.config.ProcessRole;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The layout of a cluster that {@code kraftlet cluster up} creates under one directory, decided
 * before anything is written: node ids, ports, file locations and each node's Kafka-style
 * properties. A pure value, so the layout is tested without starting anything.
 *
 * <p>With {@code combined} (Kafka's {@code process.roles=broker,controller}), every node is both:
 * ids {@code 1..combined}, their {@code PLAINTEXT} listeners first, then their {@code CONTROLLER}
 * listeners, then their metrics ports.
 *
 * <p>Brokers get ids {@code 1..brokers} (so topic descriptions read {@code Replicas: 2,3,1} as in
 * Kafka's examples) and controllers ids from {@value #FIRST_CONTROLLER_ID} up, as Kafka's own test
 * clusters number them, so the two kinds never share an id. Ports are consecutive from the base
 * port: brokers' listeners first ({@code --bootstrap-server 127.0.0.1:9092,...} with the default
 * base), then controllers' listeners, then every node's metrics port in the same order.
 *
 * <p>Files under the directory: {@code config/<role>-<id>.properties}, {@code logs/<role>-<id>.log}
 * and {@code data/<role>-<id>/} (a broker's metadata log in {@code metadata/}, its partitions in
 * {@code partitions/}); the state file is {@link ClusterState#FILE_NAME}.
 *
 * @param dir the cluster directory, absolute
 * @param clusterId the id every node is formatted with
 * @param basePort the first port used
 * @param controllers how many controllers (voters of the metadata quorum)
 * @param brokers how many brokers
 * @param combined how many combined nodes, or 0; with them, no controllers or brokers
 */
public record ClusterPlan(Path dir, String clusterId, int basePort, int controllers, int brokers, int combined) {
    public static final int FIRST_CONTROLLER_ID = 3001;
    public static final int MAX_CONTROLLERS = 9;
    public static final int MAX_BROKERS = 32;
    /** Ports below this need root on most systems. */
    public static final int MIN_BASE_PORT = 1024;
    /**
     * Short enough that a killed broker is fenced, and its leaderships moved, within seconds of a
     * demo; long enough that a busy laptop running six JVMs does not fence a healthy one.
     */
    public static final int SESSION_TIMEOUT_MS = 6_000;
    public static final int HEARTBEAT_INTERVAL_MS = 1_000;

    public ClusterPlan {
        dir = dir.toAbsolutePath().normalize();
        Objects.requireNonNull(clusterId, "clusterId");
        if (combined != 0) {
            if (controllers != 0 || brokers != 0) {
                throw new IllegalArgumentException("--combined runs nodes that are controllers and brokers at once;"
                        + " give it without --controllers and --brokers");
            }
            if (combined < 1 || combined > MAX_CONTROLLERS) {
                throw new IllegalArgumentException("--combined must be between 1 and " + MAX_CONTROLLERS
                        + " (each is a voter), got " + combined);
            }
        } else if (controllers < 1 || controllers > MAX_CONTROLLERS) {
            throw new IllegalArgumentException("--controllers must be between 1 and " + MAX_CONTROLLERS + ", got "
                    + controllers);
        }
        if (combined == 0 && (brokers < 1 || brokers > MAX_BROKERS)) {
            throw new IllegalArgumentException("--brokers must be between 1 and " + MAX_BROKERS + ", got " + brokers);
        }
        int ports = combined > 0 ? 3 * combined : 2 * (controllers + brokers);
        if (basePort < MIN_BASE_PORT || basePort + ports - 1 > 65_535) {
            throw new IllegalArgumentException("--base-port must leave room for " + ports
                    + " ports between " + MIN_BASE_PORT + " and 65535, got " + basePort);
        }
    }

    /** Separate controllers and brokers. */
    public ClusterPlan(Path dir, String clusterId, int basePort, int controllers, int brokers) {
        this(dir, clusterId, basePort, controllers, brokers, 0);
    }

    /** {@code nodes} combined nodes, each a controller and a broker. */
    public static ClusterPlan combined(Path dir, String clusterId, int basePort, int nodes) {
        if (nodes < 1) {
            throw new IllegalArgumentException("--combined must be between 1 and " + MAX_CONTROLLERS
                    + " (each is a voter), got " + nodes);
        }
        return new ClusterPlan(dir, clusterId, basePort, 0, 0, nodes);
    }

    /** Every node: brokers first, then controllers (the order of their ports). */
    public List<ClusterNode> nodes() {
        List<ClusterNode> nodes = new ArrayList<>();
        if (combined > 0) {
            for (int i = 0; i < combined; i++) {
                String name = "combined-" + (i + 1);
                nodes.add(new ClusterNode(i + 1, ProcessRole.COMBINED, basePort + i, basePort + combined + i,
                        basePort + 2 * combined + i, dir.resolve("config").resolve(name + ".properties"),
                        dir.resolve("logs").resolve(name + ".log")));
            }
            return nodes;
        }
        int total = controllers + brokers;
        for (int i = 0; i < total; i++) {
            boolean broker = i < brokers;
            ProcessRole role = broker ? ProcessRole.BROKER : ProcessRole.CONTROLLER;
            int nodeId = broker ? i + 1 : FIRST_CONTROLLER_ID + i - brokers;
            String name = role.configName() + "-" + nodeId;
            nodes.add(new ClusterNode(nodeId, role, basePort + i, broker ? -1 : basePort + i, basePort + total + i,
                    dir.resolve("config").resolve(name + ".properties"), dir.resolve("logs").resolve(name + ".log")));
        }
        return nodes;
    }

    /** {@code controller.quorum.voters}: every controller at its port. */
    public String quorumVoters() {
        return nodes().stream().filter(ClusterNode::isController)
                .map(node -> node.nodeId() + "@" + node.controllerAddress()).collect(Collectors.joining(","));
    }

    /** The data directory of a node: {@code data/<kind>-<id>}. */
    public Path dataDir(ClusterNode node) {
        return dir.resolve("data").resolve(node.kind() + "-" + node.nodeId());
    }

    /** The node's properties, in the order they are written. */
    public Map<String, String> properties(ClusterNode node) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put(NodeConfigParser.NODE_ID, Integer.toString(node.nodeId()));
        properties.put(NodeConfigParser.PROCESS_ROLES, node.role().configName());
        properties.put(NodeConfigParser.QUORUM_VOTERS, quorumVoters());
        properties.put(NodeConfigParser.CLUSTER_ID, clusterId);
        Path data = dataDir(node);
        if (node.role() == ProcessRole.COMBINED) {
            properties.put(NodeConfigParser.LISTENERS, "PLAINTEXT://" + node.address() + ",CONTROLLER://"
                    + node.controllerAddress());
            properties.put(NodeConfigParser.CONTROLLER_LISTENER_NAMES, "CONTROLLER");
            properties.put(NodeConfigParser.METADATA_LOG_DIR, data.resolve("metadata").toString());
            properties.put(NodeConfigParser.LOG_DIRS, data.resolve("partitions").toString());
        } else if (node.isBroker()) {
            properties.put(NodeConfigParser.LISTENERS, "PLAINTEXT://" + node.address());
            properties.put(NodeConfigParser.METADATA_LOG_DIR, data.resolve("metadata").toString());
            properties.put(NodeConfigParser.LOG_DIRS, data.resolve("partitions").toString());
        } else {
            properties.put(NodeConfigParser.LISTENERS, "CONTROLLER://" + node.address());
            properties.put(NodeConfigParser.METADATA_LOG_DIR, data.toString());
        }
        properties.put(NodeConfigParser.METRICS_PORT, Integer.toString(node.metricsPort()));
        // The controllers fence on the session timeout, the brokers heartbeat on the interval;
        // every node gets both so the two sides agree.
        properties.put(NodeConfigParser.BROKER_SESSION_TIMEOUT_MS, Integer.toString(SESSION_TIMEOUT_MS));
        properties.put(NodeConfigParser.BROKER_HEARTBEAT_INTERVAL_MS, Integer.toString(HEARTBEAT_INTERVAL_MS));
        return properties;
    }

    /** {@code --bootstrap-server}: every broker's listener. */
    public String bootstrapServers() {
        return nodes().stream().filter(ClusterNode::isBroker).map(ClusterNode::address)
                .collect(Collectors.joining(","));
    }

    /** {@code --bootstrap-controller}: every controller's listener. */
    public String bootstrapControllers() {
        return nodes().stream().filter(ClusterNode::isController).map(ClusterNode::controllerAddress)
                .collect(Collectors.joining(","));
    }
}
