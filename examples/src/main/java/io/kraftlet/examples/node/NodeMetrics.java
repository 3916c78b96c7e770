package io.kraftlet.examples.node;

import io.kraftlet.examples.config.NodeConfig;
import io.kraftlet.log.MetaProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import org.slf4j.Logger;

/**
 * The meter registry of a node and, with {@code metrics.port}, the Prometheus endpoint that
 * serves it; plus the start-up and shutdown steps every kind of node shares. Built and closed
 * by the node, once each.
 */
final class NodeMetrics implements AutoCloseable {
    /** No endpoint, nothing registered yet: what a node holds before it starts its metrics. */
    static final NodeMetrics NONE = new NodeMetrics(new SimpleMeterRegistry(), null);

    private final MeterRegistry registry;
    private final MetricsServer server;

    private NodeMetrics(MeterRegistry registry, MetricsServer server) {
        this.registry = registry;
        this.server = server;
    }

    /**
     * A Prometheus registry served on {@code metrics.port} at the listener's host, or a private
     * registry when the key is not set. The port is bound here, before the node starts anything
     * else, so a port in use fails start-up first.
     *
     * @throws java.io.UncheckedIOException if the port cannot be bound
     */
    static NodeMetrics start(NodeConfig config) {
        if (config.metricsPort().isEmpty()) {
            return new NodeMetrics(new SimpleMeterRegistry(), null);
        }
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MetricsServer server = MetricsServer.start(config.listenAddress().host(), config.metricsPort().getAsInt(),
                prometheus);
        return new NodeMetrics(prometheus, server);
    }

    MeterRegistry registry() {
        return registry;
    }

    /** The endpoint's port, or -1 without one. */
    int port() {
        return server == null ? -1 : server.port();
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
    }

    /** {@code cluster.id} when set (start-up then checks it), else the one the directory was formatted with. */
    static String clusterId(NodeConfig config) {
        return config.clusterId().orElseGet(() -> MetaProperties.load(config.metadataLogDir()).clusterId());
    }

    /** Closes what a node opened, last opened first; a failure is logged and the rest still close. */
    static void closeInReverse(List<AutoCloseable> resources, int nodeId, Logger log) {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                log.warn("Node {}: closing {} failed: {}", nodeId, resources.get(i).getClass().getSimpleName(),
                        e.toString());
            }
        }
    }
}
