package io.kraftlet.examples.node;

import io.kraftlet.examples.config.NodeConfig;
import io.kraftlet.quorum.ControllerServer;
import io.kraftlet.transport.grpc.HostPort;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A controller as {@code kraftlet node} runs it with {@code process.roles=controller}: a
 * {@link ControllerServer} (a voter of the metadata quorum; the active controller while its node
 * leads) whose meters, {@code kraftlet.controller.*} and {@code kraftlet.raft.*}, go to the
 * node's Prometheus endpoint when {@code metrics.port} is set.
 *
 * <p>It serves the quorum and controller RPCs on its entry in {@code controller.quorum.voters}
 * (the parser checks that {@code listeners} names the same port). Closing it resigns leadership
 * if held, so the next controller takes over at once.
 */
public final class ControllerNode implements Node {
    private static final Logger log = LoggerFactory.getLogger(ControllerNode.class);

    private final NodeConfig config;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private NodeMetrics metrics = NodeMetrics.NONE;
    private ControllerServer server;
    private boolean closed;

    private ControllerNode(NodeConfig config) {
        this.config = config;
    }

    /** Starts the controller; see {@link Node#start} for what it throws. */
    public static ControllerNode start(NodeConfig config) {
        ControllerNode node = new ControllerNode(config);
        try {
            node.startServices();
            return node;
        } catch (RuntimeException failure) {
            node.close();
            throw failure;
        }
    }

    private void startServices() {
        String clusterId = NodeMetrics.clusterId(config);
        metrics = NodeMetrics.start(config);
        resources.add(metrics);
        server = controllerServer(config, clusterId, metrics.registry());
        resources.add(server);
        server.start();
    }

    /** The controller of a controller or combined node, built and not started. */
    static ControllerServer controllerServer(NodeConfig config, String clusterId, MeterRegistry registry) {
        ControllerServer.Builder builder = ControllerServer.builder()
                .nodeId(config.nodeId())
                .clusterId(clusterId)
                .voters(config.quorumVoters())
                .dataDir(config.metadataLogDir())
                .raftConfig(config.raftConfig())
                .controllerConfig(config.controllerConfig())
                .snapshotEveryRecords(config.snapshotIntervalRecords())
                .meterRegistry(registry);
        config.tls().ifPresent(builder::tls);
        return builder.build();
    }

    @Override
    public String readyLine() {
        HostPort entry = config.voters().get(config.nodeId());
        return "node " + config.nodeId() + " listening on " + entry.host() + ":" + server.port();
    }

    @Override
    public int metricsPort() {
        return metrics.port();
    }

    @Override
    public Optional<Throwable> failure() {
        return server.failure();
    }

    public ControllerServer server() {
        return server;
    }

    /** Resigns leadership if held and stops the controller, then the metrics endpoint. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        NodeMetrics.closeInReverse(resources, config.nodeId(), log);
    }
}
