package io.kraftlet.quorum;

import io.kraftlet.log.FileQuorumStateStore;
import io.kraftlet.log.FileRaftLog;
import io.kraftlet.log.FileSnapshotStore;
import io.kraftlet.log.MetaProperties;
import io.kraftlet.raft.QuorumDescription;
import io.kraftlet.raft.RaftConfig;
import io.kraftlet.raft.RaftListener;
import io.kraftlet.raft.RaftNode;
import io.kraftlet.raft.VoterSet;
import io.kraftlet.runtime.AppendFailedException;
import io.kraftlet.runtime.Clock;
import io.kraftlet.runtime.RaftDriver;
import io.kraftlet.runtime.RaftMetrics;
import io.kraftlet.transport.grpc.GrpcTransport;
import io.kraftlet.transport.grpc.HostPort;
import io.kraftlet.transport.grpc.QuorumVoters;
import io.kraftlet.transport.grpc.TlsSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * A metadata quorum member embedded in an application: a voter (controller) when its node id
 * is in {@code controller.quorum.voters}, an observer otherwise. It keeps the replicated log in
 * its data directory, talks to the other members over gRPC, and hands committed batches to
 * registered {@link RaftListener}s.
 *
 * <pre>{@code
 * MetadataQuorum.format(dataDir, "my-cluster", 1);          // once, before the first start
 * try (MetadataQuorum quorum = MetadataQuorum.builder()
 *         .nodeId(1).clusterId("my-cluster")
 *         .voters("1@10.0.0.1:9093,2@10.0.0.2:9093,3@10.0.0.3:9093")
 *         .dataDir(dataDir)
 *         .build()) {
 *     quorum.register(myStateMachine);
 *     quorum.start();
 *     long offset = quorum.append(List.of(record)).get();   // fails with NOT_LEADER off the leader
 * }
 * }</pre>
 *
 * <p>Threading: every method may be called from any thread; none blocks except
 * {@link #close()}. Futures complete on the node's driver thread, so callbacks attached to them
 * must not block. Listeners are called on the driver thread (see {@link RaftListener}).
 */
public final class MetadataQuorum implements AutoCloseable {
    /** The directory inside the data directory that holds the metadata log, as in Kafka. */
    public static final String LOG_DIR_NAME = "__cluster_metadata-0";

    private final int nodeId;
    private final boolean voter;
    private final FileRaftLog log;
    private final GrpcTransport transport;
    private final RaftDriver driver;
    private final MeterRegistry meterRegistry;
    private boolean started;
    private boolean closed;

    private MetadataQuorum(Builder builder, Map<Integer, HostPort> voters) {
        this.nodeId = builder.nodeId;
        this.voter = voters.containsKey(nodeId);
        this.meterRegistry = builder.meterRegistry != null ? builder.meterRegistry : new SimpleMeterRegistry();
        MetaProperties.verify(builder.dataDir, builder.clusterId, builder.nodeId);
        Path logDir = builder.dataDir.resolve(LOG_DIR_NAME);
        this.log = FileRaftLog.open(logDir);
        GrpcTransport openedTransport = null;
        RaftDriver createdDriver;
        try {
            FileSnapshotStore snapshots = new FileSnapshotStore(logDir);
            FileQuorumStateStore stateStore = new FileQuorumStateStore(logDir);
            VoterSet voterSet = QuorumVoters.voterSet(voters);
            HostPort listener = builder.listener != null ? builder.listener
                    : voter ? voters.get(nodeId) : new HostPort("127.0.0.1", 0);
            GrpcTransport.Builder transportBuilder = GrpcTransport.builder()
                    .nodeId(nodeId)
                    .clusterId(builder.clusterId)
                    .voters(voterSet)
                    .peers(voters)
                    .listenAddress(listener)
                    .requestTimeoutMs(builder.config.requestTimeoutMs())
                    .meterRegistry(meterRegistry);
            if (builder.tls != null) {
                transportBuilder.tls(builder.tls);
            }
            builder.services.forEach(transportBuilder::service);
            openedTransport = transportBuilder.build();
            RaftNode core = RaftNode.builder()
                    .nodeId(nodeId)
                    .clusterId(builder.clusterId)
                    .config(builder.config)
                    .voters(voterSet)
                    .log(log)
                    .snapshots(snapshots)
                    .electionState(stateStore.read())
                    .random(new Random(new SecureRandom().nextLong()))
                    .nowMs(builder.clock.nowMs())
                    .build();
            createdDriver = new RaftDriver(core, log, stateStore, openedTransport, builder.clock,
                    new RaftMetrics(meterRegistry, nodeId), builder.inboxCapacity, builder.config.requestTimeoutMs(),
                    builder.config.requestTimeoutMs());
        } catch (RuntimeException failure) {
            if (openedTransport != null) {
                openedTransport.close();
            }
            log.close();
            throw failure;
        }
        this.transport = openedTransport;
        this.driver = createdDriver;
    }

    /**
     * Formats an empty data directory for this cluster and node (writes {@code meta.properties}
     * with a new directory id). Refuses a directory that is already formatted.
     */
    public static void format(Path dataDir, String clusterId, int nodeId) {
        MetaProperties.format(dataDir, clusterId, nodeId);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts serving and taking part in the quorum. Register listeners first to see every commit. */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("node " + nodeId + " is closed");
        }
        if (!started) {
            started = true;
            driver.start();
        }
    }

    /**
     * Appends records. On the leader the future completes with the offset of the last record
     * once committed; otherwise it fails with {@link AppendFailedException} saying why
     * (NOT_LEADER with the leader's id, BACK_PRESSURE, LEADERSHIP_LOST, or shut down).
     */
    public CompletableFuture<Long> append(List<byte[]> records) {
        return driver.append(records);
    }

    /** Registers a listener; it receives the latest snapshot (if any) then every committed batch. */
    public CompletableFuture<Void> register(RaftListener listener) {
        return driver.register(listener);
    }

    /**
     * Stores a snapshot of the state machine's state for everything below {@code endOffset} and
     * deletes the log below the previous snapshot; members that fall behind the log start load
     * the newest snapshot. The
     * offset must be one the listener reached (the end of a batch it was handed) and committed;
     * otherwise the future fails with IllegalArgumentException naming the offsets. Safe to call
     * from a listener.
     */
    public CompletableFuture<Void> createSnapshot(long endOffset, byte[] data) {
        return driver.createSnapshot(endOffset, data);
    }

    /** The quorum as this node sees it (replica progress only on the leader). */
    public CompletableFuture<QuorumDescription> describe() {
        return driver.describeQuorum();
    }

    public int nodeId() {
        return nodeId;
    }

    public boolean isVoter() {
        return voter;
    }

    /** The port the node listens on (useful with port 0); valid after {@link #start()}. */
    public int port() {
        return transport.port();
    }

    public MeterRegistry meterRegistry() {
        return meterRegistry;
    }

    /**
     * Why the node stopped on its own, if it did: a listener threw, or storage failed. A stopped
     * node refuses every call with that cause; close it and start a new one.
     */
    public java.util.Optional<Throwable> failure() {
        return java.util.Optional.ofNullable(driver.failure());
    }

    /**
     * Graceful stop: a leader resigns and names its successors (so the next election starts at
     * once), the log is flushed, connections close. Blocks until done; idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (started) {
            driver.close();
        } else {
            transport.close();
        }
        log.close();
    }

    /**
     * Configures a node. Required: node id, cluster id, voters, data directory. The other
     * settings default to Kafka's values.
     */
    public static final class Builder {
        private int nodeId = -1;
        private String clusterId;
        private String voters;
        private Path dataDir;
        private HostPort listener;
        private TlsSettings tls;
        private MeterRegistry meterRegistry;
        private RaftConfig config = RaftConfig.DEFAULT;
        private Clock clock = Clock.SYSTEM;
        private int inboxCapacity = 10_000;
        private final java.util.List<io.grpc.BindableService> services = new java.util.ArrayList<>();

        /** Serves another gRPC service on the quorum's port (the controller service, on controllers). */
        Builder service(io.grpc.BindableService service) {
            services.add(Objects.requireNonNull(service, "service"));
            return this;
        }

        /** {@code node.id}. */
        public Builder nodeId(int nodeId) {
            this.nodeId = nodeId;
            return this;
        }

        /** {@code cluster.id}: must match the one the data directory was formatted with. */
        public Builder clusterId(String clusterId) {
            this.clusterId = clusterId;
            return this;
        }

        /** {@code controller.quorum.voters}: {@code id@host:port,...}. */
        public Builder voters(String voters) {
            this.voters = voters;
            return this;
        }

        /** {@code metadata.log.dir}: formatted with {@link #format}. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /** Where to listen, {@code host:port}; defaults to this voter's entry in the voters, or an ephemeral port for an observer. */
        public Builder listener(String hostPort) {
            this.listener = HostPort.parse(hostPort);
            return this;
        }

        /** Mutual TLS with every peer; plaintext and untrusted peers are refused. */
        public Builder tls(TlsSettings tls) {
            this.tls = tls;
            return this;
        }

        /** Where meters go; a private registry when not set. */
        public Builder meterRegistry(MeterRegistry meterRegistry) {
            this.meterRegistry = meterRegistry;
            return this;
        }

        /** Timeouts and limits; {@link RaftConfig#DEFAULT} holds Kafka's defaults. */
        public Builder config(RaftConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /** The clock the driver reads (the system's by default). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Bound of the driver's input queue. */
        public Builder inboxCapacity(int inboxCapacity) {
            if (inboxCapacity <= 0) {
                throw new IllegalArgumentException("inboxCapacity must be > 0, got " + inboxCapacity);
            }
            this.inboxCapacity = inboxCapacity;
            return this;
        }

        /**
         * Opens the data directory (refusing an unformatted one, or one of another cluster or
         * node) and prepares the node; {@link MetadataQuorum#start()} starts it.
         */
        public MetadataQuorum build() {
            if (nodeId < 0) {
                throw new IllegalArgumentException("node.id must be set and >= 0");
            }
            if (clusterId == null || clusterId.isBlank()) {
                throw new IllegalArgumentException("cluster.id must be set");
            }
            if (voters == null || voters.isBlank()) {
                throw new IllegalArgumentException(QuorumVoters.CONFIG_KEY + " must be set (id@host:port,...)");
            }
            if (dataDir == null) {
                throw new IllegalArgumentException("metadata.log.dir must be set");
            }
            return new MetadataQuorum(this, QuorumVoters.parse(voters));
        }
    }
}
