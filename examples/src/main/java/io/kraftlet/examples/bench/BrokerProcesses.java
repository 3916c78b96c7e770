package io.kraftlet.examples.bench;

import io.kraftlet.examples.cluster.JvmProcesses;
import io.kraftlet.quorum.MetadataQuorum;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Brokers for a benchmark, each a {@code kraftlet node} JVM ({@code process.roles=broker}, a
 * {@code KraftletBroker}) on a free loopback port, so it runs exactly what an operator runs,
 * fsync included. In the run directory: {@code broker-N/metadata} (formatted here),
 * {@code broker-N/data} ({@code log.dirs}), {@code broker-N.properties}, {@code broker-N.log}
 * (stdout and stderr).
 *
 * <p>Used from the bench's thread; {@link #close} stops every broker (SIGTERM: a controlled
 * shutdown, then SIGKILL) and a shutdown hook kills them if the bench itself is stopped.
 */
final class BrokerProcesses implements AutoCloseable {
    private final Path dir;
    private final String clusterId;
    private final String quorumVoters;
    private final Map<Integer, Integer> ports = new LinkedHashMap<>();
    private final Map<Integer, Process> processes = new LinkedHashMap<>();
    /** Read by the shutdown hook's thread. */
    private final List<Process> running = new CopyOnWriteArrayList<>();
    private final Thread killer;

    /** Picks the ports; {@link #start} starts the brokers. */
    BrokerProcesses(Path dir, String clusterId, String quorumVoters, List<Integer> nodeIds) throws IOException {
        this.dir = dir;
        this.clusterId = clusterId;
        this.quorumVoters = quorumVoters;
        List<Integer> free = BenchProcesses.freePorts(nodeIds.size());
        for (int i = 0; i < nodeIds.size(); i++) {
            ports.put(nodeIds.get(i), free.get(i));
        }
        this.killer = BenchProcesses.killOnExit(running);
    }

    /** The loopback port of a broker's listener, which serves produce requests. */
    int port(int nodeId) {
        return ports.get(nodeId);
    }

    /**
     * Formats each broker's metadata directory, writes its configuration (the basics plus
     * {@code extraProperties}), starts it, then waits until the controller has unfenced every one.
     *
     * @throws BenchFailedException if one exits or is not unfenced within {@code timeout}
     */
    void start(Map<String, String> extraProperties, List<String> jvmOptions, Duration timeout) throws IOException {
        for (Map.Entry<Integer, Integer> broker : ports.entrySet()) {
            int nodeId = broker.getKey();
            Path home = dir.resolve("broker-" + nodeId);
            MetadataQuorum.format(home.resolve("metadata"), clusterId, nodeId);
            Map<String, String> properties = new LinkedHashMap<>();
            properties.put("node.id", Integer.toString(nodeId));
            properties.put("process.roles", "broker");
            properties.put("controller.quorum.voters", quorumVoters);
            properties.put("listeners", "PLAINTEXT://127.0.0.1:" + broker.getValue());
            properties.put("metadata.log.dir", home.resolve("metadata").toString());
            properties.put("log.dirs", home.resolve("data").toString());
            properties.putAll(extraProperties);
            Path config = BenchProcesses.writeProperties(dir.resolve("broker-" + nodeId + ".properties"), properties);
            Process process = BenchProcesses.startNode(jvmOptions, config, log(nodeId));
            processes.put(nodeId, process);
            running.add(process);
        }
        for (int nodeId : ports.keySet()) {
            BenchProcesses.awaitPrinted("broker " + nodeId, processes.get(nodeId), log(nodeId),
                    JvmProcesses.unfencedPrefix(nodeId), timeout);
        }
    }

    /** The broker's stdout and stderr. */
    Path log(int nodeId) {
        return dir.resolve("broker-" + nodeId + ".log");
    }

    /** @throws BenchFailedException naming the first broker that exited, and its log */
    void checkAlive() {
        processes.forEach((nodeId, process) -> BenchProcesses.checkAlive("broker " + nodeId, process, log(nodeId)));
    }

    /** Stops every broker: SIGTERM (controlled shutdown), then SIGKILL after a grace period. */
    @Override
    public void close() throws InterruptedException {
        BenchProcesses.stop(running);
        Runtime.getRuntime().removeShutdownHook(killer);
    }
}
