package io.kraftlet.examples.cluster;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;

/**
 * Starts a cluster node as its own OS process, {@code java -cp <this class path>
 * io.kraftlet.examples.KraftletCli node --config FILE}, with its stdout and stderr appended to
 * the node's log file and no stdin. The process outlives the command that started it. What it
 * shares with the benchmarks' processes (the command line, the log redirection, the ready and
 * unfenced lines and how to find them) is in {@link JvmProcesses}.
 *
 * <p>Stateless; any thread.
 */
public final class NodeLauncher {
    /** JVM options of every node unless {@value #OPTS_VARIABLE} is set: six of them fit on a laptop. */
    public static final List<String> DEFAULT_JVM_OPTIONS = List.of("-Xmx384m", "-XX:+UseSerialGC",
            "-XX:-UsePerfData");
    /** The environment variable that replaces {@link #DEFAULT_JVM_OPTIONS} (space-separated). */
    public static final String OPTS_VARIABLE = "KRAFTLET_NODE_OPTS";
    private static final String MAIN_CLASS = "io.kraftlet.examples.KraftletCli";

    private NodeLauncher() {
    }

    /**
     * Starts {@code node}; its log gets a header line first, so each start can be told apart.
     *
     * @return the process and the log length before the start (where to look for its lines)
     * @throws UncheckedIOException if the JVM cannot be started
     */
    public static Launch launch(ClusterNode node) {
        try {
            Files.createDirectories(node.logFile().getParent());
            long logOffset = Files.exists(node.logFile()) ? Files.size(node.logFile()) : 0;
            ProcessBuilder builder = JvmProcesses.loggingTo(command(node), node.logFile(), true)
                    .directory(node.configFile().getParent().toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
            Process process = builder.start();
            return new Launch(NodeProcessId.of(process.toHandle()), logOffset);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + node.name() + ": " + e.getMessage(), e);
        }
    }

    /**
     * What one {@link #launch} started.
     *
     * @param process the node's process
     * @param logOffset the log's length before it started
     */
    public record Launch(NodeProcessId process, long logOffset) {
    }

    /** The command that runs {@code node}. */
    static List<String> command(ClusterNode node) {
        return JvmProcesses.javaCommand(jvmOptions(), JvmProcesses.absoluteClassPath(), MAIN_CLASS,
                List.of("node", "--config", node.configFile().toString()));
    }

    private static List<String> jvmOptions() {
        String configured = System.getenv(OPTS_VARIABLE);
        if (configured == null || configured.isBlank()) {
            return DEFAULT_JVM_OPTIONS;
        }
        return Arrays.stream(configured.trim().split("\\s+")).toList();
    }

    private static File nullDevice() {
        return new File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }

}
