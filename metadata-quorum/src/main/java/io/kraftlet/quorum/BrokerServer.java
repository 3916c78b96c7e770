package io.kraftlet.quorum;

import io.kraftlet.broker.BrokerLifecycle;
import io.kraftlet.codec.MetadataRecordCodec;
import io.kraftlet.controller.ControllerApi;
import io.kraftlet.image.MetadataImage;
import io.kraftlet.image.MetadataListener;
import io.kraftlet.image.MetadataLoader;
import io.kraftlet.metadata.Endpoint;
import io.kraftlet.raft.QuorumDescription;
import io.kraftlet.raft.RaftConfig;
import io.kraftlet.runtime.BrokerLifecycleDriver;
import io.kraftlet.runtime.Clock;
import io.kraftlet.transport.grpc.ControllerClient;
import io.kraftlet.transport.grpc.HostPort;
import io.kraftlet.transport.grpc.QuorumVoters;
import io.kraftlet.transport.grpc.ServiceServer;
import io.kraftlet.transport.grpc.TlsSettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A broker's membership in the cluster, embedded in an application: it follows the metadata log
 * as an observer of the metadata quorum (publishing images to {@link MetadataListener}s),
 * registers with the active controller, heartbeats with the metadata offset it has applied, and
 * on {@link #close()} asks for a controlled shutdown so leadership moves away before it stops.
 *
 * <p>A clean shutdown leaves {@value #CLEAN_SHUTDOWN_FILE} in the data directory holding the
 * broker epoch, so the next start tells the controller its data is complete; a crash leaves
 * nothing, and the controller treats the broker as restarted uncleanly (it leaves the ELRs).
 *
 * <p>Combined mode ({@code process.roles=broker,controller}, {@link Builder#sharedController}):
 * the broker runs on a controller's node. It has no observer of its own: it takes the
 * controller's committed images, and serves its services on a listener of its own, apart from
 * the controller listener, as Kafka keeps {@code CONTROLLER} and broker listeners apart.
 *
 * <p>Threading: every method may be called from any thread; none blocks except {@link #close()}.
 */
public final class BrokerServer implements AutoCloseable {
    public static final String CLEAN_SHUTDOWN_FILE = "clean-shutdown-epoch";
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(BrokerServer.class);

    private final int nodeId;
    private final Path dataDir;
    private final MetadataLoader loader;
    /** This broker's own observer; null in combined mode. */
    private final MetadataQuorum quorum;
    /** Combined mode: the controller this broker shares its node with, else null. */
    private final ControllerServer sharedController;
    /** Combined mode: the broker listener's server (the quorum's server is the controller's). */
    private final ServiceServer serviceServer;
    private final ControllerClient controllerClient;
    /** Heartbeats give up quickly so the next one carries fresh state, within the session. */
    private final ControllerClient lifecycleClient;
    private final BrokerLifecycleDriver lifecycle;
    private final long controlledShutdownTimeoutMs;
    private final List<Runnable> beforeCleanShutdown;
    /** What this broker added to the loader, removed on close when the loader is a shared controller's. */
    private final List<MetadataListener> ownListeners = new ArrayList<>();
    /** The first failure of a metadata listener; the broker then stops acting on metadata. */
    private volatile Throwable listenerFailure;
    private boolean started;
    /** Whether the lifecycle runs, so close() has a controlled shutdown to wait for. */
    private boolean lifecycleStarted;
    private boolean closed;

    private BrokerServer(Builder builder) {
        this.nodeId = builder.nodeId;
        this.dataDir = builder.dataDir;
        this.controlledShutdownTimeoutMs = builder.controlledShutdownTimeoutMs;
        this.beforeCleanShutdown = List.copyOf(builder.beforeCleanShutdown);
        this.sharedController = builder.sharedController;
        if (sharedController != null) {
            // Combined mode: the controller's quorum member and committed images serve both roles.
            this.loader = sharedController.metadata();
            this.quorum = null;
            this.serviceServer = new ServiceServer("broker " + nodeId, builder.listenAddress == null
                    ? new HostPort("127.0.0.1", 0) : HostPort.parse(builder.listenAddress), builder.tls,
                    builder.services);
        } else {
            this.loader = new MetadataLoader(MetadataRecordCodec::decode, MetadataRecordCodec::decodeSnapshot);
            this.quorum = observer(builder);
            this.serviceServer = null;
        }
        // Guarded: a broker listener that throws stops this broker (see failure()), not the
        // quorum member it may share with a controller.
        builder.listeners.forEach(listener -> addListener(guarded(listener)));
        ControllerClient.Builder clientBuilder = ControllerClient.builder()
                .clusterId(builder.clusterId)
                .controllers(builder.voters)
                .requestTimeoutMs(builder.raftConfig.requestTimeoutMs());
        if (builder.tls != null) {
            clientBuilder.tls(builder.tls);
        }
        this.controllerClient = clientBuilder.build();
        int heartbeatTimeoutMs = Math.max(1000, 2 * builder.heartbeatIntervalMs);
        ControllerClient.Builder lifecycleBuilder = ControllerClient.builder()
                .clusterId(builder.clusterId)
                .controllers(builder.voters)
                .requestTimeoutMs(Math.min(builder.raftConfig.requestTimeoutMs(), heartbeatTimeoutMs))
                .apiTimeoutMs(heartbeatTimeoutMs);
        if (builder.tls != null) {
            lifecycleBuilder.tls(builder.tls);
        }
        this.lifecycleClient = lifecycleBuilder.build();
        long previousEpoch = readCleanShutdownEpoch(builder.dataDir);
        BrokerLifecycle core = new BrokerLifecycle(builder.nodeId, UUID.randomUUID(), builder.endpoints, builder.rack,
                previousEpoch, builder.heartbeatIntervalMs, 100, builder.clock.nowMs());
        this.lifecycle = new BrokerLifecycleDriver(core, lifecycleClient, builder.clock, this::failure,
                builder.sessionTimeoutMs);
        addListener((delta, image) -> {
            if (listenerFailure == null) {
                lifecycle.setMetadataOffset(image.endOffset());
            }
        });
        if (quorum != null) {
            quorum.register(loader);
        }
    }

    private void addListener(MetadataListener listener) {
        ownListeners.add(listener);
        loader.addListener(listener);
    }

    private MetadataListener guarded(MetadataListener listener) {
        return (delta, image) -> {
            if (listenerFailure != null) {
                return; // this broker stopped following metadata at the first failure
            }
            try {
                listener.onMetadataUpdate(delta, image);
            } catch (RuntimeException failure) {
                listenerFailure = failure;
                log.error("Broker {} stops following metadata: a listener failed on the image at offset {}", nodeId,
                        image.endOffset(), failure);
            }
        };
    }

    /** A broker's own observer of the metadata quorum, serving the broker's services on its listener. */
    private static MetadataQuorum observer(Builder builder) {
        MetadataQuorum.Builder quorumBuilder = MetadataQuorum.builder()
                .nodeId(builder.nodeId)
                .clusterId(builder.clusterId)
                .voters(builder.voters)
                .dataDir(builder.dataDir)
                .config(builder.raftConfig)
                .clock(builder.clock);
        if (builder.listenAddress != null) {
            quorumBuilder.listener(builder.listenAddress);
        }
        builder.services.forEach(quorumBuilder::service);
        if (builder.meterRegistry != null) {
            quorumBuilder.meterRegistry(builder.meterRegistry);
        }
        if (builder.tls != null) {
            quorumBuilder.tls(builder.tls);
        }
        MetadataQuorum quorum = quorumBuilder.build();
        if (quorum.isVoter()) {
            quorum.close();
            throw new IllegalArgumentException("node " + builder.nodeId + " is a voter of " + QuorumVoters.CONFIG_KEY
                    + "; a broker follows the quorum as an observer (run a ControllerServer for a voter, and share it"
                    + " with Builder.sharedController for a combined node)");
        }
        return quorum;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts following the metadata log and registering with the controller. */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("broker " + nodeId + " is closed");
        }
        if (!started) {
            started = true;
            if (quorum != null) {
                quorum.start();
            } else {
                serviceServer.start(); // a busy broker port fails here, before the controller starts
                try {
                    sharedController.start();
                } catch (RuntimeException failure) {
                    serviceServer.close();
                    throw failure;
                }
            }
            lifecycle.start();
            lifecycleStarted = true;
        }
    }

    /** Completes with the broker epoch once the controller unfenced this broker. */
    public CompletableFuture<Long> unfenced() {
        return lifecycle.unfenced();
    }

    public BrokerLifecycle.State state() {
        return lifecycle.state();
    }

    public long brokerEpoch() {
        return lifecycle.brokerEpoch();
    }

    /** The latest metadata image this broker applied. */
    public MetadataImage image() {
        return loader.image();
    }

    /** The metadata loader, for listeners added after construction and the leader. */
    public MetadataLoader metadata() {
        return loader;
    }

    /** A client of the active controller (follows NOT_CONTROLLER hints, fails over on its own). */
    public ControllerApi controller() {
        return controllerClient;
    }

    public int nodeId() {
        return nodeId;
    }

    /** The port of the broker's listener (useful with port 0); valid after {@link #start()}. */
    public int port() {
        return quorum != null ? quorum.port() : serviceServer.port();
    }

    /**
     * Why the broker stopped on its own, if it did: its quorum member or (combined) its controller
     * failed, or a metadata listener threw. It then stops heartbeating, so the controller fences
     * it once its session expires; close it and start a new one.
     */
    public Optional<Throwable> failure() {
        Optional<Throwable> node = quorum != null ? quorum.failure() : sharedController.failure();
        return node.or(() -> Optional.ofNullable(listenerFailure));
    }

    /** The metadata quorum as this node sees it (replica progress only on the leader). */
    public CompletableFuture<QuorumDescription> describeQuorum() {
        return quorum != null ? quorum.describe() : sharedController.describeQuorum();
    }

    /** Whether this broker shares its node with a controller (combined mode). */
    public boolean isCombined() {
        return sharedController != null;
    }

    /**
     * Controlled shutdown: asks the controller to move leadership away and waits (up to the
     * configured timeout) until it agrees, records the clean shutdown, then stops. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (lifecycleStarted) {
            try {
                lifecycle.controlledShutdown().get(controlledShutdownTimeoutMs, TimeUnit.MILLISECONDS);
                // Leadership has moved: let the data layer stop and make its logs durable, then
                // record that this broker's data is complete.
                beforeCleanShutdown.forEach(Runnable::run);
                writeCleanShutdownEpoch(dataDir, lifecycle.brokerEpoch());
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            } catch (Exception notGranted) {
                // Not granted in time: stop anyway; the controller fences us when the session ends.
            }
        }
        lifecycle.close();
        lifecycleClient.close();
        controllerClient.close();
        if (quorum != null) {
            quorum.close();
        } else {
            serviceServer.close(); // the shared controller is its owner's to close, after this broker
            ownListeners.forEach(loader::removeListener);
        }
    }

    static long readCleanShutdownEpoch(Path dataDir) {
        Path file = dataDir.resolve(CLEAN_SHUTDOWN_FILE);
        try {
            if (!Files.exists(file)) {
                return -1;
            }
            String text = Files.readString(file, StandardCharsets.UTF_8).trim();
            Files.delete(file); // a crash from here on is an unclean shutdown
            return Long.parseLong(text);
        } catch (NumberFormatException corrupt) {
            return -1;
        } catch (IOException failure) {
            throw new UncheckedIOException("cannot read " + file, failure);
        }
    }

    static void writeCleanShutdownEpoch(Path dataDir, long epoch) {
        if (epoch < 0) {
            return;
        }
        Path file = dataDir.resolve(CLEAN_SHUTDOWN_FILE);
        Path temp = dataDir.resolve(CLEAN_SHUTDOWN_FILE + ".tmp");
        try {
            Files.writeString(temp, Long.toString(epoch), StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException failure) {
            throw new UncheckedIOException("cannot write " + file, failure);
        }
    }

    /** Configures a broker; node id, cluster id, voters, data directory and one endpoint are required. */
    public static final class Builder {
        private int nodeId = -1;
        private String clusterId;
        private String voters;
        private Path dataDir;
        private String listenAddress;
        private final List<Endpoint> endpoints = new ArrayList<>();
        private String rack = "";
        private TlsSettings tls;
        private MeterRegistry meterRegistry;
        private RaftConfig raftConfig = RaftConfig.DEFAULT;
        private Clock clock = Clock.SYSTEM;
        private int heartbeatIntervalMs = 2000;
        private int sessionTimeoutMs = 9000;
        private long controlledShutdownTimeoutMs = 30_000;
        private final List<MetadataListener> listeners = new ArrayList<>();
        private final List<io.grpc.BindableService> services = new ArrayList<>();
        private final List<Runnable> beforeCleanShutdown = new ArrayList<>();
        private ControllerServer sharedController;

        public Builder nodeId(int nodeId) {
            this.nodeId = nodeId;
            return this;
        }

        public Builder clusterId(String clusterId) {
            this.clusterId = clusterId;
            return this;
        }

        /** {@code controller.quorum.voters}: the controllers (this broker is not one). */
        public Builder voters(String voters) {
            this.voters = voters;
            return this;
        }

        /** {@code metadata.log.dir}, formatted with {@link MetadataQuorum#format}. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /**
         * Where the broker's metadata observer listens, {@code host:port} (port 0: any free port);
         * by default an ephemeral port on loopback.
         */
        public Builder listenAddress(String hostPort) {
            this.listenAddress = hostPort;
            return this;
        }

        /** An advertised listener (name, host, port) clients and other brokers use. */
        public Builder endpoint(Endpoint endpoint) {
            endpoints.add(Objects.requireNonNull(endpoint, "endpoint"));
            return this;
        }

        public Builder rack(String rack) {
            this.rack = rack == null ? "" : rack;
            return this;
        }

        public Builder tls(TlsSettings tls) {
            this.tls = tls;
            return this;
        }

        public Builder meterRegistry(MeterRegistry meterRegistry) {
            this.meterRegistry = meterRegistry;
            return this;
        }

        public Builder raftConfig(RaftConfig raftConfig) {
            this.raftConfig = Objects.requireNonNull(raftConfig, "raftConfig");
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** {@code broker.heartbeat.interval.ms}. */
        public Builder heartbeatIntervalMs(int heartbeatIntervalMs) {
            if (heartbeatIntervalMs <= 0) {
                throw new IllegalArgumentException("broker.heartbeat.interval.ms must be > 0, got " + heartbeatIntervalMs);
            }
            this.heartbeatIntervalMs = heartbeatIntervalMs;
            return this;
        }

        /**
         * {@code broker.session.timeout.ms}, as the controllers have it: a controlled shutdown
         * that no controller answers for this long is given up (the broker then stops without
         * recording a clean shutdown), since a controller that comes back fences it anyway.
         */
        public Builder sessionTimeoutMs(int sessionTimeoutMs) {
            this.sessionTimeoutMs = sessionTimeoutMs;
            return this;
        }

        /** How long {@link BrokerServer#close()} waits for the controller to allow the shutdown. */
        public Builder controlledShutdownTimeoutMs(long timeoutMs) {
            this.controlledShutdownTimeoutMs = timeoutMs;
            return this;
        }

        /** Told of every metadata image, from the first one on. */
        public Builder metadataListener(MetadataListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** Serves another gRPC service (the replication service) on the broker's listener. */
        public Builder service(io.grpc.BindableService service) {
            services.add(Objects.requireNonNull(service, "service"));
            return this;
        }

        /**
         * Runs during {@link BrokerServer#close()} once the controller granted the controlled
         * shutdown and before the clean-shutdown marker is written: stop the data layer and make
         * its logs durable here, or the marker would vouch for data that is not on disk.
         */
        public Builder beforeCleanShutdown(Runnable action) {
            beforeCleanShutdown.add(Objects.requireNonNull(action, "action"));
            return this;
        }

        /**
         * Combined mode ({@code process.roles=broker,controller}): this broker runs on the node of
         * {@code controller} instead of following the quorum as an observer of its own. It takes
         * the controller's committed images, node id, cluster id, voters and data directory (any
         * of them set here must match), and serves its services on its own listener
         * ({@link #listenAddress}), apart from the controller's. Build the broker before starting
         * the controller (its listeners must see every image); {@link BrokerServer#start()}
         * starts the controller if it is not running, and {@link BrokerServer#close()} leaves it
         * running: close the controller after the broker.
         */
        public Builder sharedController(ControllerServer controller) {
            this.sharedController = Objects.requireNonNull(controller, "controller");
            return this;
        }

        public BrokerServer build() {
            if (sharedController != null) {
                adoptController(sharedController);
            }
            if (endpoints.isEmpty()) {
                throw new IllegalArgumentException("broker " + nodeId + " needs at least one advertised listener");
            }
            if (sessionTimeoutMs <= heartbeatIntervalMs) {
                throw new IllegalArgumentException("broker.session.timeout.ms (" + sessionTimeoutMs + ") must be above"
                        + " broker.heartbeat.interval.ms (" + heartbeatIntervalMs + ")");
            }
            return new BrokerServer(this);
        }

        private void adoptController(ControllerServer controller) {
            if (nodeId >= 0 && nodeId != controller.nodeId()) {
                throw new IllegalArgumentException("broker " + nodeId + " cannot share controller "
                        + controller.nodeId() + ": a combined node has one node.id");
            }
            if (clusterId != null && !clusterId.equals(controller.clusterId())) {
                throw new IllegalArgumentException("broker cluster id " + clusterId + " differs from its controller's ("
                        + controller.clusterId() + ")");
            }
            if (voters != null && !QuorumVoters.parse(voters).equals(QuorumVoters.parse(controller.voters()))) {
                throw new IllegalArgumentException("broker " + QuorumVoters.CONFIG_KEY + " (" + voters
                        + ") differ from its controller's (" + controller.voters() + ")");
            }
            if (dataDir != null && !dataDir.toAbsolutePath().normalize()
                    .equals(controller.dataDir().toAbsolutePath().normalize())) {
                throw new IllegalArgumentException("broker data directory " + dataDir + " differs from its controller's ("
                        + controller.dataDir() + "): a combined node keeps one metadata.log.dir");
            }
            if (controller.isStarted()) {
                throw new IllegalStateException("controller " + controller.nodeId() + " is already started: build the"
                        + " broker that shares it first, so the broker sees every metadata image");
            }
            nodeId = controller.nodeId();
            clusterId = controller.clusterId();
            voters = controller.voters();
            dataDir = controller.dataDir();
        }
    }
}
