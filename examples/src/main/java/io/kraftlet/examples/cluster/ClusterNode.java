package io.kraftlet.examples.cluster;

import io.kraftlet.examples.config.ProcessRole;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One node of a cluster that {@code kraftlet cluster up} laid out: its id and role, the loopback
 * port it serves on (a controller's quorum port, a broker's or combined node's {@code PLAINTEXT}
 * listener), a combined node's {@code CONTROLLER} port, its Prometheus port, and where its
 * properties file and log file live. Immutable; the process that runs it is tracked apart, in
 * {@link ClusterState}.
 *
 * @param nodeId {@code node.id}
 * @param role {@code process.roles}
 * @param port the listener port on 127.0.0.1
 * @param controllerPort where its controller serves the quorum: a controller's {@code port}, a
 *     combined node's second listener, -1 for a broker
 * @param metricsPort {@code metrics.port}
 * @param configFile the node's properties file, absolute
 * @param logFile where the node's stdout and stderr go, absolute
 */
public record ClusterNode(int nodeId, ProcessRole role, int port, int controllerPort, int metricsPort, Path configFile,
        Path logFile) {
    /** Every node listens on loopback only: the launcher is a laptop demo, not a deployment tool. */
    public static final String HOST = "127.0.0.1";

    public ClusterNode {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(configFile, "configFile");
        Objects.requireNonNull(logFile, "logFile");
        if (role.runsController() != controllerPort > 0) {
            throw new IllegalArgumentException(role.configName() + " node " + nodeId + " has controller port "
                    + controllerPort);
        }
    }

    /** {@code controller}, {@code broker} or {@code combined}: names of files and messages. */
    public String kind() {
        return role == ProcessRole.COMBINED ? "combined" : role.configName();
    }

    /** {@code controller 3001}, {@code broker 2} or {@code combined 1}: how every message names the node. */
    public String name() {
        return kind() + " " + nodeId;
    }

    /** {@code 127.0.0.1:controllerPort}: where the node's controller serves. */
    public String controllerAddress() {
        return HOST + ":" + controllerPort;
    }

    /** {@code 127.0.0.1:port}. */
    public String address() {
        return HOST + ":" + port;
    }

    /** {@code http://127.0.0.1:port/metrics}. */
    public String metricsUrl() {
        return "http://" + HOST + ":" + metricsPort + "/metrics";
    }

    /** Whether it runs a broker: a broker or a combined node. */
    public boolean isBroker() {
        return role.runsBroker();
    }

    /** Whether it runs a controller: a controller or a combined node. */
    public boolean isController() {
        return role.runsController();
    }
}
