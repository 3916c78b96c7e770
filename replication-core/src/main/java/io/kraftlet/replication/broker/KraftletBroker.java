package io.kraftlet.replication.broker;

import io.kraftlet.controller.ControllerApi;
import io.kraftlet.image.MetadataImage;
import io.kraftlet.metadata.Endpoint;
import io.kraftlet.metadata.TopicPartition;
import io.kraftlet.quorum.BrokerServer;
import io.kraftlet.quorum.ControllerServer;
import io.kraftlet.raft.RaftConfig;
import io.kraftlet.replication.ProduceRequest;
import io.kraftlet.replication.ProduceResult;
import io.kraftlet.replication.ReadResult;
import io.kraftlet.replication.ReplicationConfig;
import io.kraftlet.replication.ReplicationStats;
import io.kraftlet.replication.grpc.GrpcReplicaTransport;
import io.kraftlet.replication.grpc.ReplicationService;
import io.kraftlet.replication.log.LogDirectory;
import io.kraftlet.replication.runtime.ReplicaDriver;
import io.kraftlet.replication.runtime.ReplicationMetrics;
import io.kraftlet.runtime.Clock;
import io.kraftlet.transport.grpc.ControllerService;
import io.kraftlet.transport.grpc.TlsSettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A whole broker embedded in an application: cluster membership ({@link BrokerServer}: follows
 * the metadata log, registers, heartbeats, controlled shutdown), partition logs in
 * {@code log.dirs}, and replication ({@link ReplicaDriver}: leader and follower roles from the
 * metadata image, follower fetch, HW, ISR changes, acks). Followers fetch from leaders, and
 * clients may produce and read, over the {@code KRaftReplication} gRPC service on the broker's
 * listener. The listener also serves the controller service ({@code KRaftController}), forwarding
 * every call to the active controller, so admin tools may be pointed at brokers.
 *
 * <pre>{@code
 * KraftletBroker broker = KraftletBroker.builder()
 *         .nodeId(4).clusterId(clusterId).voters("1@host1:9093,2@host2:9093,3@host3:9093")
 *         .metadataDir(Path.of("/var/lib/app/metadata")).logDir(Path.of("/var/lib/app/data"))
 *         .listenAddress("0.0.0.0:9092").endpoint(new Endpoint("PLAINTEXT", "host4", 9092))
 *         .build();
 * broker.start();
 * ProduceResult written = broker.append(new TopicPartition("orders", 0), records, ProduceAcks.ALL, 30_000).get();
 * }</pre>
 *
 * <p>A combined node ({@code process.roles=broker,controller}) runs the broker next to a
 * {@link ControllerServer} on one node: see {@link Builder#sharedController}.
 *
 * <p>Threading: every method may be called from any thread and returns at once, except
 * {@link #close()}, which waits for the controlled shutdown. Futures complete on the replication
 * thread: do not block in their callbacks.
 *
 * <p>{@link #close()}: leadership moves away first (controlled shutdown), then replication stops
 * and the logs are closed (every record counted for the HW is already durable), and only then is
 * the clean shutdown recorded, so the controller trusts this broker's data on its next start.
 */
public final class KraftletBroker implements AutoCloseable {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(KraftletBroker.class);
    /** Client and follower requests that may wait for the replication thread at once. */
    public static final int MAX_QUEUED_REQUESTS = 50_000;

    private final int nodeId;
    private final BrokerServer server;
    private final LogDirectory logs;
    private final ReplicaDriver driver;
    private final ExecutorService answers;
    private final ReplicationMetrics metrics;
    private boolean closed;

    private KraftletBroker(Builder builder) {
        this.nodeId = builder.nodeId;
        Path metadataDir = Objects.requireNonNull(builder.metadataDir, "metadataDir").toAbsolutePath().normalize();
        // Checked here, before anything is opened, and again by BrokerServer.
        if (builder.sharedController != null && !metadataDir.equals(
                builder.sharedController.dataDir().toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("metadata.log.dir " + metadataDir + " differs from the shared controller's ("
                    + builder.sharedController.dataDir() + "): a combined node keeps one metadata log");
        }
        Path logDir = Objects.requireNonNull(builder.logDir, "logDir").toAbsolutePath().normalize();
        if (logDir.startsWith(metadataDir) || metadataDir.startsWith(logDir)) {
            throw new IllegalArgumentException("log.dirs (" + logDir + ") and metadata.log.dir (" + metadataDir
                    + ") must be separate directories: a partition log directory is named <topic>-<partition>, and "
                    + "the metadata log's would be mistaken for one");
        }
        this.logs = LogDirectory.open(logDir);
        BrokerServer[] self = new BrokerServer[1];
        GrpcReplicaTransport transport = new GrpcReplicaTransport(builder.clusterId, builder.interBrokerListener,
                builder.tls);
        // The controller client exists only once the BrokerServer does; AlterPartition goes through it.
        this.driver = new ReplicaDriver(builder.nodeId, builder.replicationConfig, logs, transport,
                request -> self[0].controller().alterPartition(request),
                builder.clock, () -> self[0] == null ? -1 : self[0].brokerEpoch(), builder.raftConfig.requestTimeoutMs(),
                MAX_QUEUED_REQUESTS);
        this.answers = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "kraftlet-replication-answers-" + builder.nodeId);
            thread.setDaemon(true);
            return thread;
        });
        BrokerServer.Builder serverBuilder = BrokerServer.builder()
                .nodeId(builder.nodeId)
                .clusterId(builder.clusterId)
                .voters(builder.voters)
                .dataDir(metadataDir)
                .rack(builder.rack)
                .raftConfig(builder.raftConfig)
                .clock(builder.clock)
                .heartbeatIntervalMs(builder.heartbeatIntervalMs)
                .sessionTimeoutMs(builder.sessionTimeoutMs)
                .controlledShutdownTimeoutMs(builder.controlledShutdownTimeoutMs)
                .metadataListener(driver)
                .service(new ReplicationService(builder.clusterId, driver, answers))
                .service(new ControllerService(builder.clusterId,
                        new ForwardingControllerApi(() -> self[0].controller()), answers))
                .beforeCleanShutdown(this::stopReplication);
        builder.endpoints.forEach(serverBuilder::endpoint);
        builder.services.forEach(serverBuilder::service);
        if (builder.listenAddress != null) {
            serverBuilder.listenAddress(builder.listenAddress);
        }
        if (builder.tls != null) {
            serverBuilder.tls(builder.tls);
        }
        if (builder.meterRegistry != null) {
            serverBuilder.meterRegistry(builder.meterRegistry);
        }
        if (builder.sharedController != null) {
            serverBuilder.sharedController(builder.sharedController);
        }
        try {
            this.server = serverBuilder.build();
        } catch (RuntimeException e) {
            driver.close();
            answers.shutdownNow();
            logs.close();
            throw e;
        }
        self[0] = server;
        this.metrics = builder.meterRegistry == null ? null
                : new ReplicationMetrics(builder.meterRegistry, builder.nodeId, driver);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts replication and cluster membership. */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("broker " + nodeId + " is closed");
        }
        driver.start();
        server.start();
    }

    /**
     * Writes {@code records} to {@code partition} as one batch at its leader (this broker must
     * lead it): acks 0 and 1 complete once the leader's log holds them durably, acks=-1 (all)
     * once the HW covers them or with NOT_ENOUGH_REPLICAS(_AFTER_APPEND) / REQUEST_TIMED_OUT
     * after {@code timeoutMs}. The future never completes exceptionally: errors are in the result.
     */
    public CompletableFuture<ProduceResult> append(TopicPartition partition, List<byte[]> records, int acks,
            long timeoutMs) {
        return driver.produce(new ProduceRequest(partition, records, acks, timeoutMs));
    }

    /** Reads committed records (below the HW) of a partition this broker leads, from {@code offset}. */
    public CompletableFuture<ReadResult> read(TopicPartition partition, long offset, int maxBytes) {
        return driver.read(partition, offset, maxBytes);
    }

    /** Completes with the broker epoch once the controller unfenced this broker. */
    public CompletableFuture<Long> unfenced() {
        return server.unfenced();
    }

    /** A client of the active controller, for admin calls (create topics, elections, configs). */
    public ControllerApi controller() {
        return server.controller();
    }

    public MetadataImage image() {
        return server.image();
    }

    public ReplicationStats stats() {
        return driver.stats();
    }

    public BrokerServer server() {
        return server;
    }

    public int nodeId() {
        return nodeId;
    }

    private void stopReplication() {
        driver.close();
        if (!driver.isStopped()) {
            // The marker must not vouch for logs a running thread may still write.
            throw new IllegalStateException("broker " + nodeId + ": the replication thread did not stop");
        }
        logs.close();
    }

    /** Controlled shutdown, then replication stops and logs close; see the class comment. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.close();
        } finally {
            try {
                stopReplication(); // again, if the controller did not grant the shutdown in time
            } catch (RuntimeException notStopped) {
                log.error("broker {}: closing replication failed", nodeId, notStopped);
            }
            if (metrics != null) {
                metrics.close();
            }
            answers.shutdown();
            try {
                answers.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Configures a broker; node id, cluster id, voters, both directories and an endpoint are required. */
    public static final class Builder {
        private int nodeId = -1;
        private String clusterId;
        private String voters;
        private Path metadataDir;
        private Path logDir;
        private String listenAddress;
        private final List<Endpoint> endpoints = new java.util.ArrayList<>();
        private String interBrokerListener;
        private String rack = "";
        private TlsSettings tls;
        private MeterRegistry meterRegistry;
        private RaftConfig raftConfig = RaftConfig.DEFAULT;
        private ReplicationConfig replicationConfig = ReplicationConfig.DEFAULT;
        private Clock clock = Clock.SYSTEM;
        private int heartbeatIntervalMs = 2000;
        private int sessionTimeoutMs = 9000;
        private long controlledShutdownTimeoutMs = 30_000;
        private final List<io.grpc.BindableService> services = new java.util.ArrayList<>();
        private ControllerServer sharedController;

        public Builder nodeId(int nodeId) {
            this.nodeId = nodeId;
            return this;
        }

        public Builder clusterId(String clusterId) {
            this.clusterId = clusterId;
            return this;
        }

        /** {@code controller.quorum.voters}. */
        public Builder voters(String voters) {
            this.voters = voters;
            return this;
        }

        /** {@code metadata.log.dir}, formatted with {@code MetadataQuorum.format}. */
        public Builder metadataDir(Path metadataDir) {
            this.metadataDir = metadataDir;
            return this;
        }

        /** {@code log.dirs}: one directory for the partition logs, apart from the metadata directory. */
        public Builder logDir(Path logDir) {
            this.logDir = logDir;
            return this;
        }

        /** Where the broker's gRPC server listens, {@code host:port}; by default an ephemeral loopback port. */
        public Builder listenAddress(String hostPort) {
            this.listenAddress = hostPort;
            return this;
        }

        /** An advertised listener; other brokers fetch from the first (or {@link #interBrokerListener}). */
        public Builder endpoint(Endpoint endpoint) {
            endpoints.add(Objects.requireNonNull(endpoint, "endpoint"));
            return this;
        }

        /** {@code inter.broker.listener.name}: which advertised listener followers fetch on. */
        public Builder interBrokerListener(String name) {
            this.interBrokerListener = name;
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

        public Builder replicationConfig(ReplicationConfig replicationConfig) {
            this.replicationConfig = Objects.requireNonNull(replicationConfig, "replicationConfig");
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** {@code broker.heartbeat.interval.ms}. */
        public Builder heartbeatIntervalMs(int heartbeatIntervalMs) {
            this.heartbeatIntervalMs = heartbeatIntervalMs;
            return this;
        }

        /** {@code broker.session.timeout.ms}; see {@link BrokerServer.Builder#sessionTimeoutMs}. */
        public Builder sessionTimeoutMs(int sessionTimeoutMs) {
            this.sessionTimeoutMs = sessionTimeoutMs;
            return this;
        }

        public Builder controlledShutdownTimeoutMs(long timeoutMs) {
            this.controlledShutdownTimeoutMs = timeoutMs;
            return this;
        }

        /** Serves another gRPC service on the broker's listener (an application's own client service). */
        public Builder service(io.grpc.BindableService service) {
            services.add(Objects.requireNonNull(service, "service"));
            return this;
        }

        /**
         * Combined mode ({@code process.roles=broker,controller}): the broker runs on this
         * controller's node, takes its node id, cluster id, voters and metadata directory (those
         * set here must match), and serves on its own listener ({@link #listenAddress}). Build
         * the broker before starting the controller; {@link KraftletBroker#start()} starts it,
         * and {@link KraftletBroker#close()} leaves it running: close the controller after the
         * broker. See {@link BrokerServer.Builder#sharedController}.
         */
        public Builder sharedController(ControllerServer controller) {
            this.sharedController = Objects.requireNonNull(controller, "controller");
            if (nodeId < 0) {
                nodeId = controller.nodeId();
            }
            if (clusterId == null) {
                clusterId = controller.clusterId();
            }
            if (voters == null) {
                voters = controller.voters();
            }
            if (metadataDir == null) {
                metadataDir = controller.dataDir();
            }
            return this;
        }

        public KraftletBroker build() {
            if (clusterId == null || voters == null) {
                throw new IllegalArgumentException("broker " + nodeId + " needs cluster.id and controller.quorum.voters");
            }
            return new KraftletBroker(this);
        }
    }
}
