package io.kraftlet.examples.bench;

import io.kraftlet.examples.cluster.JvmProcesses;
import io.kraftlet.quorum.MetadataQuorum;
import io.kraftlet.raft.SnapshotId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A quorum of controllers for a benchmark, each a {@code kraftlet node} JVM
 * ({@code process.roles=controller}) on a free loopback port, so it runs exactly what an
 * operator runs, fsync included. In the run directory: {@code controller-N/} (data, formatted
 * here), {@code controller-N.properties}, {@code controller-N.log} (stdout and stderr).
 *
 * <p>Used from the bench's thread; {@link #close} stops every controller (SIGTERM, then SIGKILL)
 * and a shutdown hook kills them if the bench itself is stopped.
 */
final class ControllerProcesses implements AutoCloseable {
    private static final Pattern SNAPSHOT_FILE = Pattern.compile("(\\d{20})-(\\d{10})\\.checkpoint");

    private final Path dir;
    private final String clusterId;
    private final String quorumVoters;
    private final Map<Integer, Integer> ports = new LinkedHashMap<>();
    private final Map<Integer, Process> processes = new LinkedHashMap<>();
    /** Read by the shutdown hook's thread. */
    private final List<Process> running = new CopyOnWriteArrayList<>();
    private final Thread killer;

    /** Picks the ports; {@link #start} starts the controllers. */
    ControllerProcesses(Path dir, String clusterId, List<Integer> nodeIds) throws IOException {
        this.dir = dir;
        this.clusterId = clusterId;
        List<Integer> free = BenchProcesses.freePorts(nodeIds.size());
        for (int i = 0; i < nodeIds.size(); i++) {
            ports.put(nodeIds.get(i), free.get(i));
        }
        this.quorumVoters = BenchProcesses.quorumVoters(nodeIds, free);
        this.killer = BenchProcesses.killOnExit(running);
    }

    /** {@code controller.quorum.voters} of this quorum. */
    String quorumVoters() {
        return quorumVoters;
    }

    /**
     * Formats each controller's directory, writes its configuration (the basics plus
     * {@code extraProperties}), starts it, then waits until every one serves.
     *
     * @throws BenchFailedException if one exits or does not serve within {@code timeout}
     */
    void start(Map<String, String> extraProperties, List<String> jvmOptions, Duration timeout) throws IOException {
        for (Map.Entry<Integer, Integer> controller : ports.entrySet()) {
            int nodeId = controller.getKey();
            Path dataDir = dir.resolve("controller-" + nodeId);
            MetadataQuorum.format(dataDir, clusterId, nodeId);
            Map<String, String> properties = new LinkedHashMap<>();
            properties.put("node.id", Integer.toString(nodeId));
            properties.put("process.roles", "controller");
            properties.put("controller.quorum.voters", quorumVoters);
            properties.put("listeners", "CONTROLLER://127.0.0.1:" + controller.getValue());
            properties.put("metadata.log.dir", dataDir.toString());
            properties.putAll(extraProperties);
            Path config = BenchProcesses.writeProperties(dir.resolve("controller-" + nodeId + ".properties"),
                    properties);
            Process process = BenchProcesses.startNode(jvmOptions, config, log(nodeId));
            processes.put(nodeId, process);
            running.add(process);
        }
        for (int nodeId : ports.keySet()) {
            BenchProcesses.awaitPrinted("controller " + nodeId, processes.get(nodeId), log(nodeId),
                    JvmProcesses.readyPrefix(nodeId), timeout);
        }
    }

    /** The controller's stdout and stderr. */
    Path log(int nodeId) {
        return dir.resolve("controller-" + nodeId + ".log");
    }

    /** @throws BenchFailedException naming the first controller that exited, and its log */
    void checkAlive() {
        processes.forEach((nodeId, process) -> BenchProcesses.checkAlive("controller " + nodeId, process, log(nodeId)));
    }

    /** The newest snapshot file in the controller's metadata log directory, if it has one. */
    Optional<Path> newestSnapshot(int nodeId) throws IOException {
        Path logDir = dir.resolve("controller-" + nodeId).resolve(MetadataQuorum.LOG_DIR_NAME);
        if (!Files.isDirectory(logDir)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(logDir)) {
            return files.filter(file -> SNAPSHOT_FILE.matcher(file.getFileName().toString()).matches())
                    .max(Comparator.comparingLong(file -> snapshotId(file).endOffset()));
        }
    }

    /** The id a snapshot file's name holds ({@code <endOffset>-<epoch>.checkpoint}). */
    static SnapshotId snapshotId(Path file) {
        Matcher name = SNAPSHOT_FILE.matcher(file.getFileName().toString());
        if (!name.matches()) {
            throw new IllegalArgumentException(file + " is not a snapshot file");
        }
        return new SnapshotId(Long.parseLong(name.group(1)), Integer.parseInt(name.group(2)));
    }

    /** Stops every controller: SIGTERM (an active controller resigns), then SIGKILL after a grace period. */
    @Override
    public void close() throws InterruptedException {
        BenchProcesses.stop(running);
        Runtime.getRuntime().removeShutdownHook(killer);
    }
}
