package io.kraftlet.examples.bench;

import io.kraftlet.quorum.MetadataQuorum;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * The coordinator of a quorum benchmark: formats a data directory per voter, starts each voter
 * as its own JVM ({@link BenchNode}) on free loopback ports, reports progress while the leader
 * drives the load, reads the leader's result and stops every voter.
 *
 * <p>Layout of the run directory: {@code voter-N/} (data), {@code voter-N.log} (the process's
 * output), {@code result-N.json} (written by voter N if it led). A directory the bench created
 * itself is deleted after a successful run and kept after a failed one.
 */
public final class QuorumBench {
    /** How long the voters may take to start and elect a leader. */
    static final int LEADER_WAIT_MAX_S = 60;
    /** Allowance beyond warm-up plus duration for the leader to write its result. */
    static final int RESULT_SLACK_S = 30;
    /** Heap of each voter: far above what the bounded load holds, small enough for many voters. */
    static final String VOTER_HEAP = "-Xmx512m";
    private static final long POLL_MS = 100;
    private static final long PROGRESS_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final BenchOptions options;
    private final Path dir;
    private final boolean ownsDir;
    private final PrintWriter progress;

    /** A voter process and its files. */
    private record Voter(int nodeId, Process process, Path log, Path resultFile) {
    }

    /**
     * @param options validated options
     * @param dir the run directory (created if missing, must be empty), or null for a fresh
     *     temporary one
     * @param progress where progress lines go
     */
    public QuorumBench(BenchOptions options, Path dir, PrintWriter progress) throws IOException {
        this.options = options.validate();
        this.ownsDir = dir == null;
        this.dir = ownsDir ? Files.createTempDirectory("kraftlet-bench-") : BenchProcesses.requireEmpty(dir);
        this.progress = progress;
    }

    /** Runs the whole benchmark; blocks until the result is read or the run failed. */
    public BenchResult run() throws IOException, InterruptedException {
        String clusterId = "kraftlet-bench-" + UUID.randomUUID().toString().substring(0, 8);
        List<Integer> ports = BenchProcesses.freePorts(options.voters());
        String quorumVoters = quorumVoters(ports);
        List<Voter> voters = new ArrayList<>();
        // Read by the shutdown hook's thread while this one adds to it.
        List<Process> processes = new CopyOnWriteArrayList<>();
        Thread killer = BenchProcesses.killOnExit(processes);
        BenchResult result;
        try {
            say("starting " + options.voters() + " voters (" + quorumVoters + ") in " + dir);
            for (int nodeId = 1; nodeId <= options.voters(); nodeId++) {
                Voter voter = startVoter(nodeId, clusterId, quorumVoters);
                voters.add(voter);
                processes.add(voter.process());
            }
            result = awaitResult(voters);
        } finally {
            BenchProcesses.stop(processes);
            Runtime.getRuntime().removeShutdownHook(killer);
        }
        if (ownsDir && result.failure() == null) {
            BenchProcesses.deleteRecursively(dir);
        }
        return result;
    }

    private Voter startVoter(int nodeId, String clusterId, String quorumVoters) throws IOException {
        Path dataDir = dir.resolve("voter-" + nodeId);
        MetadataQuorum.format(dataDir, clusterId, nodeId);
        Path resultFile = dir.resolve("result-" + nodeId + ".json");
        Path log = dir.resolve("voter-" + nodeId + ".log");
        BenchNode.Settings settings = new BenchNode.Settings(nodeId, clusterId, quorumVoters, dataDir, options,
                resultFile);
        Process process = BenchProcesses.startJava(List.of(VOTER_HEAP), BenchNode.class.getName(), settings.toArgs(), log);
        return new Voter(nodeId, process, log, resultFile);
    }

    /**
     * Polls for the leader's started marker and result file, printing progress, until the
     * result is there; fails when a voter dies first or a deadline passes.
     */
    private BenchResult awaitResult(List<Voter> voters) throws IOException, InterruptedException {
        long beginNanos = System.nanoTime();
        long nextProgressNanos = beginNanos + PROGRESS_INTERVAL_NANOS;
        Voter leader = null;
        long loadStartNanos = 0;
        while (true) {
            BenchResult result = readResult(voters);
            if (result != null) {
                return result;
            }
            long now = System.nanoTime();
            if (leader == null) {
                leader = findLeader(voters);
                if (leader != null) {
                    loadStartNanos = now;
                    say("node " + leader.nodeId() + " leads; it drives " + options.outstanding()
                            + " appends in flight of " + options.batch() + " x " + options.recordSize() + " bytes");
                } else if (now - beginNanos > TimeUnit.SECONDS.toNanos(LEADER_WAIT_MAX_S)) {
                    throw new BenchFailedException("no leader within " + LEADER_WAIT_MAX_S + " s; see the logs in " + dir);
                }
            } else if (now - loadStartNanos > TimeUnit.SECONDS.toNanos(
                    options.warmupS() + options.durationS() + RESULT_SLACK_S)) {
                throw new BenchFailedException("node " + leader.nodeId() + " wrote no result in time; see " + leader.log());
            }
            checkAlive(voters);
            if (now >= nextProgressNanos) {
                say(progressLine(leader == null ? -1 : now - loadStartNanos, now - beginNanos));
                nextProgressNanos += PROGRESS_INTERVAL_NANOS;
            }
            Thread.sleep(POLL_MS);
        }
    }

    /** What the run is doing, given how long the load has run (-1 when no leader yet). */
    String progressLine(long loadNanos, long sinceStartNanos) {
        if (loadNanos < 0) {
            return "waiting for a leader... " + TimeUnit.NANOSECONDS.toSeconds(sinceStartNanos) + " s";
        }
        long loadS = TimeUnit.NANOSECONDS.toSeconds(loadNanos);
        if (loadS < options.warmupS()) {
            return "warming up... " + loadS + "/" + options.warmupS() + " s";
        }
        if (loadS < options.warmupS() + options.durationS()) {
            return "measuring... " + (loadS - options.warmupS()) + "/" + options.durationS() + " s";
        }
        return "waiting for the result...";
    }

    private static BenchResult readResult(List<Voter> voters) throws IOException {
        for (Voter voter : voters) {
            if (Files.exists(voter.resultFile())) {
                return BenchResult.parse(Files.readString(voter.resultFile(), StandardCharsets.UTF_8));
            }
        }
        return null;
    }

    private static Voter findLeader(List<Voter> voters) {
        return voters.stream().filter(voter -> Files.exists(BenchNode.startedMarker(voter.resultFile())))
                .findFirst().orElse(null);
    }

    /** A voter that exits before the result is there ends the run: the quorum is not what was asked. */
    private static void checkAlive(List<Voter> voters) throws IOException {
        for (Voter voter : voters) {
            if (!voter.process().isAlive() && readResult(List.of(voter)) == null) {
                throw new BenchFailedException("voter " + voter.nodeId() + " exited with status "
                        + voter.process().exitValue() + " before the run finished; see " + voter.log());
            }
        }
    }

    /** {@code controller.quorum.voters} for node ids 1..n on the given loopback ports. */
    static String quorumVoters(List<Integer> ports) {
        return BenchProcesses.quorumVoters(IntStream.rangeClosed(1, ports.size()).boxed().toList(), ports);
    }

    private void say(String line) {
        progress.println(line);
        progress.flush();
    }
}
