package io.kraftlet.quorum;

import io.kraftlet.codec.MetadataRecordCodec;
import io.kraftlet.controller.ControllerApi;
import io.kraftlet.controller.ControllerConfig;
import io.kraftlet.controller.QuorumController;
import io.kraftlet.image.MetadataImage;
import io.kraftlet.image.MetadataLoader;
import io.kraftlet.raft.Batch;
import io.kraftlet.raft.QuorumDescription;
import io.kraftlet.raft.RaftConfig;
import io.kraftlet.runtime.Clock;
import io.kraftlet.runtime.ControllerDriver;
import io.kraftlet.runtime.ControllerMetrics;
import io.kraftlet.transport.grpc.ControllerService;
import io.kraftlet.transport.grpc.HostPort;
import io.kraftlet.transport.grpc.QuorumVoters;
import io.kraftlet.transport.grpc.TlsSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A controller node embedded in an application: a voter of the metadata quorum that runs the
 * controller. When its node leads the quorum it is the active controller; otherwise it is a
 * standby that replays the log and holds a warm image. Brokers and tools reach it over gRPC on
 * the quorum port; a standby answers writes with NOT_CONTROLLER and the active controller's
 * address.
 *
 * <pre>{@code
 * MetadataQuorum.format(dataDir, "my-cluster", 1);
 * try (ControllerServer controller = ControllerServer.builder()
 *         .nodeId(1).clusterId("my-cluster")
 *         .voters("1@10.0.0.1:9093,2@10.0.0.2:9093,3@10.0.0.3:9093")
 *         .dataDir(dataDir)
 *         .build()) {
 *     controller.start();
 *     controller.api().createTopics(...);   // fails with NotControllerException on a standby
 * }
 * }</pre>
 *
 * <p>A combined node ({@code process.roles=broker,controller}) also runs a broker on this node:
 * build a {@link BrokerServer} with {@link BrokerServer.Builder#sharedController} before starting
 * the controller, and close the broker first.
 *
 * <p>Threading: every method may be called from any thread; none blocks except {@link #close()}.
 */
public final class ControllerServer implements AutoCloseable {
    /** Committed records between two controller snapshots, by default. */
    public static final long DEFAULT_SNAPSHOT_EVERY_RECORDS = 50_000;

    private final int nodeId;
    private final String clusterId;
    private final String voters;
    private final Path dataDir;
    private final MetadataLoader loader;
    private final ControllerDriver driver;
    private final MetadataQuorum quorum;
    private final ExecutorService serviceExecutor;
    private final ControllerMetrics metrics;
    private boolean started;
    private boolean closed;

    private ControllerServer(Builder builder) {
        Map<Integer, HostPort> voters = QuorumVoters.parse(builder.voters);
        if (!voters.containsKey(builder.nodeId)) {
            throw new IllegalArgumentException("node " + builder.nodeId + " runs a controller, so it must be one of "
                    + QuorumVoters.CONFIG_KEY + " (" + builder.voters + ")");
        }
        this.nodeId = builder.nodeId;
        this.clusterId = builder.clusterId;
        this.voters = builder.voters;
        this.dataDir = builder.dataDir;
        this.loader = new MetadataLoader(MetadataRecordCodec::decode, MetadataRecordCodec::decodeSnapshot);
        // The controller's appends must fit the Raft batch limit with its framing, and its own
        // uncommitted bytes must stay below what the Raft leader accepts before BACK_PRESSURE.
        ControllerConfig controllerConfig = builder.controllerConfig.withAppendLimits(
                Math.min(builder.controllerConfig.maxAppendBytes(),
                        builder.raftConfig.batchMaxBytes() - Batch.BATCH_OVERHEAD_BYTES),
                Math.min(builder.controllerConfig.maxInFlightAppendBytes(),
                        Math.max(builder.raftConfig.accumulatorMaxBytes() / 2,
                                builder.raftConfig.batchMaxBytes() - Batch.BATCH_OVERHEAD_BYTES)));
        QuorumController core = new QuorumController(builder.nodeId, controllerConfig,
                record -> MetadataRecordCodec.sizeOf(record) + Batch.RECORD_OVERHEAD_BYTES,
                new Random(new SecureRandom().nextLong()));
        this.driver = new ControllerDriver(core, loader, builder.clusterId, voters,
                records -> underlyingQuorum().append(records),
                (offset, data) -> underlyingQuorum().createSnapshot(offset, data),
                MetadataRecordCodec::encode, MetadataRecordCodec::encodeSnapshot, builder.snapshotEveryRecords,
                builder.inboxCapacity, builder.clock);
        this.serviceExecutor = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "kraftlet-controller-rpc-" + builder.nodeId);
            thread.setDaemon(true);
            return thread;
        });
        MeterRegistry registry = builder.meterRegistry != null ? builder.meterRegistry : new SimpleMeterRegistry();
        MetadataQuorum.Builder quorumBuilder = MetadataQuorum.builder()
                .nodeId(builder.nodeId)
                .clusterId(builder.clusterId)
                .voters(builder.voters)
                .dataDir(builder.dataDir)
                .config(builder.raftConfig)
                .meterRegistry(registry)
                .clock(builder.clock)
                .service(new ControllerService(builder.clusterId, driver, serviceExecutor));
        if (builder.tls != null) {
            quorumBuilder.tls(builder.tls);
        }
        try {
            this.quorum = quorumBuilder.build();
        } catch (RuntimeException failure) {
            serviceExecutor.shutdownNow();
            throw failure;
        }
        quorum.register(loader);
        this.metrics = new ControllerMetrics(registry, builder.nodeId, driver);
    }

    private MetadataQuorum underlyingQuorum() {
        return quorum;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts the controller, then the quorum member (which starts serving on its port). */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("controller " + nodeId + " is closed");
        }
        if (!started) {
            started = true;
            driver.start();
            quorum.start();
        }
    }

    /** This controller's API: writes succeed only while it is active. */
    public ControllerApi api() {
        return driver;
    }

    public boolean isActive() {
        return driver.isActive();
    }

    /** The committed metadata image this controller replayed. */
    public MetadataImage image() {
        return loader.image();
    }

    /** Follows committed metadata images; add listeners before {@link #start()}. */
    public MetadataLoader metadata() {
        return loader;
    }

    /**
     * The metadata quorum as this node sees it. The quorum member itself is not handed out: the
     * controller must be the only writer of its log (it predicts the offset of every record).
     */
    public CompletableFuture<QuorumDescription> describeQuorum() {
        return quorum.describe();
    }

    /** Where the node's meters (raft, transport, controller) are registered. */
    public MeterRegistry meterRegistry() {
        return quorum.meterRegistry();
    }

    public int nodeId() {
        return nodeId;
    }

    public String clusterId() {
        return clusterId;
    }

    /** {@code controller.quorum.voters} as configured. */
    public String voters() {
        return voters;
    }

    /** {@code metadata.log.dir}: the data directory holding the metadata log. */
    public Path dataDir() {
        return dataDir;
    }

    /** Whether {@link #start()} ran; a broker sharing this controller must be built before. */
    synchronized boolean isStarted() {
        return started;
    }

    /** The quorum/controller port (useful with port 0). */
    public int port() {
        return quorum.port();
    }

    /** Why the node stopped on its own (the quorum or the controller failed), if it did. */
    public java.util.Optional<Throwable> failure() {
        return quorum.failure().or(() -> java.util.Optional.ofNullable(driver.failure()));
    }

    /** Resigns leadership (if held) and stops. Blocks until done; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        quorum.close();
        driver.close();
        metrics.close();
        serviceExecutor.shutdownNow();
    }

    /** Configures a controller; node id, cluster id, voters and data directory are required. */
    public static final class Builder {
        private int nodeId = -1;
        private String clusterId;
        private String voters;
        private Path dataDir;
        private TlsSettings tls;
        private MeterRegistry meterRegistry;
        private RaftConfig raftConfig = RaftConfig.DEFAULT;
        private ControllerConfig controllerConfig = ControllerConfig.DEFAULT;
        private Clock clock = Clock.SYSTEM;
        private long snapshotEveryRecords = DEFAULT_SNAPSHOT_EVERY_RECORDS;
        private int inboxCapacity = 10_000;

        public Builder nodeId(int nodeId) {
            this.nodeId = nodeId;
            return this;
        }

        public Builder clusterId(String clusterId) {
            this.clusterId = clusterId;
            return this;
        }

        /** {@code controller.quorum.voters}; this node must be one of them. */
        public Builder voters(String voters) {
            this.voters = voters;
            return this;
        }

        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
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

        public Builder controllerConfig(ControllerConfig controllerConfig) {
            this.controllerConfig = Objects.requireNonNull(controllerConfig, "controllerConfig");
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Committed records between snapshots of the controller's image. */
        public Builder snapshotEveryRecords(long records) {
            if (records <= 0) {
                throw new IllegalArgumentException("snapshot interval must be > 0 records, got " + records);
            }
            this.snapshotEveryRecords = records;
            return this;
        }

        public ControllerServer build() {
            if (voters == null || voters.isBlank()) {
                throw new IllegalArgumentException(QuorumVoters.CONFIG_KEY + " must be set (id@host:port,...)");
            }
            return new ControllerServer(this);
        }
    }
}
