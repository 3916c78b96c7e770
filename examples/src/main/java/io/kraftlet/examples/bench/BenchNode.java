package io.kraftlet.examples.bench;

import io.kraftlet.quorum.MetadataQuorum;
import io.kraftlet.log.SnapshotStore;
import io.kraftlet.raft.Batch;
import io.kraftlet.raft.LeaderAndEpoch;
import io.kraftlet.raft.RaftListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One voter of a quorum benchmark, in its own JVM (started by {@link QuorumBench}). It embeds a
 * {@link MetadataQuorum}; if it becomes the leader it drives a {@link ClosedLoopLoad}, writes
 * the {@link BenchResult} to its result file and exits. A follower only replicates until the
 * coordinator kills it. A plain main class, so the bench does not depend on the CLI around it.
 *
 * <p>Exit status: 0 once the result file is written (a failed run says so inside it), 1 when
 * the node could not start, 2 for bad arguments.
 */
public final class BenchNode {
    private final Settings settings;
    private final AtomicBoolean loadStarted = new AtomicBoolean();
    private volatile ClosedLoopLoad load;
    private MetadataQuorum quorum;

    private BenchNode(Settings settings) {
        this.settings = settings;
    }

    /**
     * What one voter needs to know, and the arguments it is started with
     * ({@code --name value} pairs).
     *
     * @param nodeId this voter's node id
     * @param clusterId the cluster id its data directory was formatted with
     * @param quorumVoters {@code controller.quorum.voters}: {@code id@host:port,...}
     * @param dataDir its formatted data directory
     * @param options the load to drive if it leads ({@code voters} is the number of entries in
     *     {@code quorumVoters})
     * @param resultFile where it writes the result if it leads
     */
    public record Settings(int nodeId, String clusterId, String quorumVoters, Path dataDir, BenchOptions options,
            Path resultFile) {
        private static final Set<String> NAMES = Set.of("--node-id", "--cluster-id", "--quorum-voters",
                "--data-dir", "--record-size", "--batch", "--outstanding", "--warmup", "--duration", "--result-file");

        /** The command-line arguments that {@link #parse} turns back into these settings. */
        public List<String> toArgs() {
            return List.of("--node-id", Integer.toString(nodeId), "--cluster-id", clusterId,
                    "--quorum-voters", quorumVoters, "--data-dir", dataDir.toString(),
                    "--record-size", Integer.toString(options.recordSize()), "--batch", Integer.toString(options.batch()),
                    "--outstanding", Integer.toString(options.outstanding()),
                    "--warmup", Integer.toString(options.warmupS()), "--duration", Integer.toString(options.durationS()),
                    "--result-file", resultFile.toString());
        }

        /** Reads {@link #toArgs()}; throws IllegalArgumentException naming a missing or unknown argument. */
        public static Settings parse(String[] args) {
            Map<String, String> values = new HashMap<>();
            for (int i = 0; i < args.length; i += 2) {
                if (!NAMES.contains(args[i]) || i + 1 == args.length) {
                    throw new IllegalArgumentException("unknown argument or missing value: " + args[i]);
                }
                values.put(args[i], args[i + 1]);
            }
            if (!values.keySet().equals(NAMES)) {
                List<String> missing = new ArrayList<>(NAMES);
                missing.removeAll(values.keySet());
                throw new IllegalArgumentException("missing arguments: " + missing);
            }
            String quorumVoters = values.get("--quorum-voters");
            BenchOptions options = new BenchOptions(quorumVoters.split(",").length,
                    Integer.parseInt(values.get("--record-size")), Integer.parseInt(values.get("--batch")),
                    Integer.parseInt(values.get("--outstanding")), Integer.parseInt(values.get("--warmup")),
                    Integer.parseInt(values.get("--duration"))).validate();
            return new Settings(Integer.parseInt(values.get("--node-id")), values.get("--cluster-id"), quorumVoters,
                    Path.of(values.get("--data-dir")), options, Path.of(values.get("--result-file")));
        }
    }

    /** The file a node creates when it starts driving the load, so the coordinator can report progress. */
    static Path startedMarker(Path resultFile) {
        return resultFile.resolveSibling(resultFile.getFileName() + ".started");
    }

    public static void main(String[] args) {
        Settings settings;
        try {
            settings = Settings.parse(args);
        } catch (IllegalArgumentException bad) {
            System.err.println("BenchNode: " + bad.getMessage());
            System.exit(2);
            return;
        }
        try {
            new BenchNode(settings).start();
        } catch (RuntimeException failed) {
            System.err.println("BenchNode " + settings.nodeId() + " could not start: " + failed);
            failed.printStackTrace();
            System.exit(1);
        }
        // The driver thread keeps the JVM alive: a follower replicates until it is killed.
    }

    private void start() {
        quorum = MetadataQuorum.builder()
                .nodeId(settings.nodeId())
                .clusterId(settings.clusterId())
                .voters(settings.quorumVoters())
                .dataDir(settings.dataDir())
                .build();
        quorum.register(new LeaderWatch());
        quorum.start();
    }

    /**
     * Starts the load the first time this node is told it leads, and reports every later change
     * to the running load. Called on the driver thread: it only starts a thread, never blocks.
     */
    private final class LeaderWatch implements RaftListener {
        @Override
        public void handleCommit(Batch batch) {
            // The bench measures the quorum, not a state machine: committed records are dropped.
        }

        @Override
        public void handleLoadSnapshot(SnapshotStore.Snapshot snapshot) {
            // No snapshot is ever taken during a bench, and there is no state to replace.
        }

        @Override
        public void handleLeaderChange(LeaderAndEpoch leader) {
            ClosedLoopLoad running = load;
            if (running != null) {
                running.leaderChanged(leader);
            } else if (leader.isLeader(settings.nodeId()) && loadStarted.compareAndSet(false, true)) {
                load = new ClosedLoopLoad(quorum::append, settings.options(), settings.nodeId());
                Thread driver = new Thread(BenchNode.this::driveLoad, "bench-load");
                driver.start();
            }
        }
    }

    /** Runs on the load thread: the whole run, then the result, then the exit. */
    private void driveLoad() {
        try {
            Files.createFile(startedMarker(settings.resultFile()));
            BenchResult result = load.run();
            writeAtomically(settings.resultFile(), result.toJson() + "\n");
            System.out.println("result: " + result.toJson());
            System.exit(0);
        } catch (IOException | InterruptedException | RuntimeException failed) {
            System.err.println("BenchNode " + settings.nodeId() + " failed while driving the load: " + failed);
            failed.printStackTrace();
            System.exit(1);
        }
    }

    /** Write, then rename, so the coordinator never reads half a result. */
    private static void writeAtomically(Path file, String text) throws IOException {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        Files.writeString(partial, text, StandardCharsets.UTF_8);
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
    }
}
