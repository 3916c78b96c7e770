package io.kraftlet.examples.node;

import io.kraftlet.examples.client.ClientService;
import io.kraftlet.examples.config.NodeConfig;
import io.kraftlet.examples.config.ProcessRole;
import io.kraftlet.metadata.Endpoint;
import io.kraftlet.quorum.BrokerServer;
import io.kraftlet.quorum.ControllerServer;
import io.kraftlet.replication.broker.KraftletBroker;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A broker as {@code kraftlet node} runs it with {@code process.roles=broker} (or
 * {@code broker,controller}): a
 * {@link KraftletBroker}. Its {@link BrokerServer} follows the metadata log as an observer of
 * the quorum (in {@code metadata.log.dir}), registers with the active controller advertising its
 * {@code listeners} entry (and {@code broker.rack}), heartbeats every
 * {@code broker.heartbeat.interval.ms}, and is unfenced once it has caught up. Its partitions
 * live in {@code log.dirs}: it leads and follows them as the metadata image says, replicating
 * with the {@code replica.*} settings, and serves the {@code KRaftReplication} gRPC service
 * (follower fetch, produce, read) on the same listener, next to the {@code KRaftClient} service
 * ({@link ClientService}: metadata for the example tools and client, which produce and read
 * over {@code KRaftReplication}).
 *
 * <p>With {@code process.roles=broker,controller} (combined mode) the node also runs a
 * {@link ControllerServer}, a voter serving the quorum and controller RPCs on the listener that
 * {@code controller.listener.names} names; the broker then shares that quorum member instead of
 * running an observer, and serves on the other listener.
 *
 * <p>Closing it (SIGTERM) is a controlled shutdown: the controller moves its leaderships away
 * before replication stops and the logs close (and then, combined, the controller resigns and
 * stops). A broker killed instead is fenced once {@code broker.session.timeout.ms} passes
 * without a heartbeat.
 */
public final class BrokerNode implements Node {
    private static final Logger log = LoggerFactory.getLogger(BrokerNode.class);

    private final NodeConfig config;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private NodeMetrics metrics = NodeMetrics.NONE;
    private volatile KraftletBroker broker;
    private ControllerServer controller;
    private Endpoint advertised;
    private boolean closed;

    private BrokerNode(NodeConfig config) {
        this.config = config;
    }

    /** Starts the broker; see {@link Node#start} for what it throws. */
    public static BrokerNode start(NodeConfig config) {
        BrokerNode node = new BrokerNode(config);
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
        NodeConfig.Listener listener = config.brokerListener().orElseThrow();
        advertised = new Endpoint(listener.name(), advertisedHost(listener.address().host()), listener.address().port());
        // The service is registered before the broker exists; it reaches the broker through this field.
        ClientService clientService = new ClientService(clusterId, () -> broker);
        resources.add(clientService);
        if (config.role() == ProcessRole.COMBINED) {
            // Opened before the broker, so it closes after it (closeInReverse): Kafka's order.
            controller = ControllerNode.controllerServer(config, clusterId, metrics.registry());
            resources.add(controller);
        }
        KraftletBroker.Builder builder = KraftletBroker.builder()
                .nodeId(config.nodeId())
                .clusterId(clusterId)
                .voters(config.quorumVoters())
                .metadataDir(config.metadataLogDir())
                .logDir(config.logDir().orElseThrow())
                .listenAddress(listener.address().toString())
                .endpoint(advertised)
                .rack(config.brokerRack())
                .raftConfig(config.raftConfig())
                .replicationConfig(config.replicationConfig())
                .heartbeatIntervalMs(config.controllerConfig().brokerHeartbeatIntervalMs())
                .sessionTimeoutMs(config.controllerConfig().brokerSessionTimeoutMs())
                .meterRegistry(metrics.registry())
                .service(clientService);
        config.interBrokerListenerName().ifPresent(builder::interBrokerListener);
        if (controller != null) {
            builder.sharedController(controller); // started by broker.start()
        }
        config.tls().ifPresent(builder::tls);
        broker = builder.build();
        resources.add(broker);
        broker.start();
    }

    /** As Kafka does without advertised.listeners: a wildcard listener advertises this machine's name. */
    static String advertisedHost(String listenHost) {
        if (!listenHost.equals("0.0.0.0") && !listenHost.equals("::")) {
            return listenHost;
        }
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (UnknownHostException unknown) {
            throw new IllegalStateException("listeners binds every interface, and this machine's host name ("
                    + unknown.getMessage() + ") does not resolve, so there is no address to advertise", unknown);
        }
    }

    /**
     * {@code node N listening on host:port}: a broker's listener (where its metadata observer and
     * services are), or a combined node's controller listener; the broker's advertised listener
     * is in {@link #advertisedLine()}.
     */
    @Override
    public String readyLine() {
        if (controller != null) {
            return "node " + config.nodeId() + " listening on " + config.voters().get(config.nodeId()).host() + ":"
                    + controller.port();
        }
        return "node " + config.nodeId() + " listening on " + config.listenAddress().host() + ":"
                + broker.server().port();
    }

    /** {@code broker N advertises NAME://host:port}, printed after the ready line. */
    public String advertisedLine() {
        return "broker " + config.nodeId() + " advertises " + advertised;
    }

    @Override
    public int metricsPort() {
        return metrics.port();
    }

    @Override
    public Optional<Throwable> failure() {
        return broker.server().failure();
    }

    /** {@code broker N unfenced with epoch E} once the controller unfences this broker. */
    @Override
    public void announce(Consumer<String> out) {
        out.accept(advertisedLine());
        broker.unfenced().thenAccept(epoch -> out.accept("broker " + config.nodeId() + " unfenced with epoch " + epoch));
    }

    /** The embedded broker: membership, partition logs and replication. */
    public KraftletBroker broker() {
        return broker;
    }

    /** Controlled shutdown (leadership moves away first), replication and logs, then the metrics endpoint. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        NodeMetrics.closeInReverse(resources, config.nodeId(), log);
    }
}
