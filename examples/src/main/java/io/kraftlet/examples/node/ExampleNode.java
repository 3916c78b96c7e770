package io.kraftlet.examples.node;

import io.kraftlet.examples.config.NodeConfig;
import io.kraftlet.quorum.MetadataQuorum;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The example node {@code kraftlet node} runs with {@code kraftlet.example.state.machine=true}: a
 * {@link MetadataQuorum} member (voter, or observer when its id is not among the voters) with the
 * raw {@link ExampleStateMachine} instead of the controller, the optional {@link LeaderAppender}
 * load generator and the optional Prometheus endpoint. The quorum's process tests use it: its
 * committed.txt shows every committed record.
 *
 * <p>{@link #start} and {@link #close} are called once each, from any thread; {@code close} is
 * what the shutdown hook runs on SIGTERM: a leader resigns and names its successors, the log is
 * flushed.
 */
public final class ExampleNode implements Node {
    /** How long start-up waits for the state machine to be registered with the driver. */
    private static final long REGISTER_TIMEOUT_MS = 30_000;
    private static final Logger log = LoggerFactory.getLogger(ExampleNode.class);

    private final NodeConfig config;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private MetadataQuorum quorum;
    private NodeMetrics metrics = NodeMetrics.NONE;
    private boolean closed;

    private ExampleNode(NodeConfig config) {
        this.config = config;
    }

    /**
     * Opens the data directory, starts serving and taking part in the quorum.
     *
     * @throws IllegalStateException if the directory is not formatted, or was formatted for
     *     another cluster or node (the message names both ids)
     * @throws java.io.UncheckedIOException if an address cannot be bound or the disk fails
     */
    public static ExampleNode start(NodeConfig config) {
        ExampleNode node = new ExampleNode(config);
        try {
            node.startServices();
            return node;
        } catch (RuntimeException failure) {
            node.close();
            throw failure;
        }
    }

    @Override
    public String readyLine() {
        return "node " + config.nodeId() + " listening on " + config.listenAddress().host() + ":" + quorum.port();
    }

    @Override
    public int metricsPort() {
        return metrics.port();
    }

    @Override
    public Optional<Throwable> failure() {
        return quorum.failure();
    }

    public MetadataQuorum quorum() {
        return quorum;
    }

    private void startServices() {
        String clusterId = NodeMetrics.clusterId(config);
        metrics = NodeMetrics.start(config);
        resources.add(metrics);
        MeterRegistry registry = metrics.registry();
        MetadataQuorum.Builder builder = MetadataQuorum.builder()
                .nodeId(config.nodeId())
                .clusterId(clusterId)
                .voters(config.quorumVoters())
                .dataDir(config.metadataLogDir())
                .listener(config.listenAddress().toString())
                .config(config.raftConfig())
                .meterRegistry(registry);
        config.tls().ifPresent(builder::tls);
        quorum = builder.build();
        CommittedFile committedFile = CommittedFile.open(config.metadataLogDir());
        // Closed after the quorum (resources close in reverse), since the listener writes to it.
        resources.add(committedFile);
        resources.add(quorum);
        ExampleStateMachine.LeaderChangeHandler leaderChanges = (leader, nextSequence) -> { };
        LeaderAppender appender = null;
        if (config.appendRecordsPerSecond() > 0) {
            appender = new LeaderAppender(config.nodeId(), config.appendRecordsPerSecond(), quorum::append);
            resources.add(appender);
            leaderChanges = appender;
        }
        ExampleStateMachine stateMachine = new ExampleStateMachine(config.nodeId(), config.metadataLogDir(),
                config.snapshotIntervalRecords(), quorum::createSnapshot, committedFile, leaderChanges);
        registerGauges(registry, stateMachine);
        if (!config.isVoter()) {
            log.info("Node {} is not in controller.quorum.voters: it runs as an observer", config.nodeId());
        }
        CompletableFuture<Void> registered = quorum.register(stateMachine);
        quorum.start();
        awaitRegistered(registered);
        if (appender != null) {
            appender.start();
        }
    }

    private void awaitRegistered(CompletableFuture<Void> registered) {
        try {
            registered.get(REGISTER_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting node " + config.nodeId(), interrupted);
        } catch (ExecutionException failed) {
            throw new IllegalStateException("node " + config.nodeId() + " could not register its state machine: "
                    + failed.getCause().getMessage(), failed.getCause());
        } catch (TimeoutException slow) {
            throw new IllegalStateException("node " + config.nodeId() + " did not register its state machine within "
                    + REGISTER_TIMEOUT_MS + " ms");
        }
    }

    private void registerGauges(MeterRegistry registry, ExampleStateMachine stateMachine) {
        Gauge.builder("kraftlet.example.records", stateMachine, machine -> machine.state().records())
                .description("Data records the example state machine applied")
                .register(registry);
        Gauge.builder("kraftlet.example.last.sequence", stateMachine, machine -> machine.state().lastSequence())
                .description("Highest example sequence number applied")
                .register(registry);
        Gauge.builder("kraftlet.example.applied.offset", stateMachine, ExampleStateMachine::appliedOffset)
                .description("Offset after the last batch the example state machine applied")
                .register(registry);
    }

    /** Stops appending, closes the quorum (graceful resign), then the side files and the metrics endpoint. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        NodeMetrics.closeInReverse(resources, config.nodeId(), log);
    }
}
