package io.kraftlet.examples.cluster;

import io.kraftlet.examples.config.ProcessRole;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One node of a cluster that {@code kraftlet cluster up} laid out: its id and role, the loopback
 * port it serves on (a controller's quorum port, a broker's {@code PLAINTEXT} listener), its
 * Prometheus port, and where its properties file and log file live. Immutable; the process that
 * runs it is tracked apart, in {@link ClusterState}.
 *
 * @param nodeId {@code node.id}
 * @param role {@code process.roles}
 * @param port the listener port on 127.0.0.1
 * @param metricsPort {@code metrics.port}
 * @param configFile the node's properties file, absolute
 * @param logFile where the node's stdout and stderr go, absolute
 */
public record ClusterNode(int nodeId, ProcessRole role, int port, int metricsPort, Path configFile, Path logFile) {
    /** Every node listens on loopback only: the launcher is a laptop demo, not a deployment tool. */
    public static final String HOST = "127.0.0.1";

    public ClusterNode {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(configFile, "configFile");
        Objects.requireNonNull(logFile, "logFile");
    }

    /** {@code controller 3001} or {@code broker 2}: how every message names the node. */
    public String name() {
        return role.configName() + " " + nodeId;
    }

    /** {@code 127.0.0.1:port}. */
    public String address() {
        return HOST + ":" + port;
    }

    /** {@code http://127.0.0.1:port/metrics}. */
    public String metricsUrl() {
        return "http://" + HOST + ":" + metricsPort + "/metrics";
    }

    public boolean isBroker() {
        return role == ProcessRole.BROKER;
    }
}
