package io.kraftlet.examples.node;

import io.kraftlet.examples.config.NodeConfig;
import io.kraftlet.log.MetaProperties;
import io.kraftlet.quorum.MetadataQuorum;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A controller node as {@code kraftlet node} runs it: a {@link MetadataQuorum} member (voter, or
 * observer when its id is not among the voters) with the {@link ExampleStateMachine}, the
 * optional {@link LeaderAppender} load generator and the optional Prometheus endpoint.
 *
 * <p>{@link #start} and {@link #close} are called once each, from any thread; {@code close} is
 * what the shutdown hook runs on SIGTERM: a leader resigns and names its successors, the log is
 * flushed.
 */
public final class ControllerNode implements AutoCloseable {
    /** How long start-up waits for the state machine to be registered with the driver. */
    private static final long REGISTER_TIMEOUT_MS = 30_000;
    private static final Logger log = LoggerFactory.getLogger(ControllerNode.class);

    private final NodeConfig config;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private MetadataQuorum quorum;
    private MetricsServer metricsServer;
    private boolean closed;

    private ControllerNode(NodeConfig config) {
        this.config = config;
    }

    /**
     * Opens the data directory, starts serving and taking part in the quorum.
     *
     * @throws IllegalStateException if the directory is not formatted, or was formatted for
     *     another cluster or node (the message names both ids)
     * @throws java.io.UncheckedIOException if an address cannot be bound or the disk fails
     */
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

    /** The line printed once the node serves: tests and scripts wait for it. */
    public String readyLine() {
        return "node " + config.nodeId() + " listening on " + config.listenAddress().host() + ":" + quorum.port();
    }

    /** The port of the Prometheus endpoint, or -1 when {@code metrics.port} is not set. */
    public int metricsPort() {
        return metricsServer == null ? -1 : metricsServer.port();
    }

    public MetadataQuorum quorum() {
        return quorum;
    }

    private void startServices() {
        String clusterId = config.clusterId()
                .orElseGet(() -> MetaProperties.load(config.metadataLogDir()).clusterId());
        MeterRegistry registry;
        if (config.metricsPort().isPresent()) {
            PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            // Bound before the quorum starts, so a port in use fails start-up before anything else runs.
            metricsServer = MetricsServer.start(config.listenAddress().host(), config.metricsPort().getAsInt(), prometheus);
            resources.add(metricsServer);
            registry = prometheus;
        } else {
            registry = new SimpleMeterRegistry();
        }
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
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                log.warn("Node {}: closing {} failed: {}", config.nodeId(), resources.get(i).getClass().getSimpleName(),
                        e.toString());
            }
        }
    }
}
