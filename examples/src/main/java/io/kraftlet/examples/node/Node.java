package io.kraftlet.examples.node;

import io.kraftlet.examples.config.NodeConfig;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A node as {@code kraftlet node} runs it, chosen by {@code process.roles}: a
 * {@link ControllerNode}, a {@link BrokerNode} (also for combined {@code broker,controller}
 * nodes), or, with {@code kraftlet.example.state.machine=true},
 * an {@link ExampleNode}.
 *
 * <p>{@link #start} and {@link #close} are called once each, from any thread; {@code close} is
 * what the shutdown hook runs on SIGTERM. The other methods may be called from any thread and do
 * not block.
 */
public interface Node extends AutoCloseable {
    /**
     * Opens the data directory and starts the node.
     *
     * @throws IllegalStateException if the directory is not formatted, or was formatted for
     *     another cluster or node (the message names both ids)
     * @throws java.io.UncheckedIOException if an address cannot be bound or the disk fails
     */
    static Node start(NodeConfig config) {
        if (config.exampleStateMachine()) {
            return ExampleNode.start(config);
        }
        return switch (config.role()) {
            case CONTROLLER -> ControllerNode.start(config);
            case BROKER, COMBINED -> BrokerNode.start(config);
        };
    }

    /** The line printed once the node serves, {@code node N listening on host:port}: tests and scripts wait for it. */
    String readyLine();

    /** The port of the Prometheus endpoint, or -1 when {@code metrics.port} is not set. */
    int metricsPort();

    /** Why the node stopped on its own (storage or controller failure), if it did. */
    Optional<Throwable> failure();

    /**
     * Hands {@code out} one line for each milestone reached from now on (a broker: once it is
     * unfenced), on whatever thread reaches it. {@code out} must not block.
     */
    default void announce(Consumer<String> out) {
    }

    /** Stops gracefully; idempotent. */
    @Override
    void close();
}
