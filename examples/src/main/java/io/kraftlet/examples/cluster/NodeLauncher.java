package io.kraftlet.examples.cluster;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Starts a cluster node as its own OS process, {@code java -cp <this class path>
 * io.kraftlet.examples.KraftletCli node --config FILE}, with its stdout and stderr appended to
 * the node's log file and no stdin. The process outlives the command that started it. Reads the
 * log for the lines a node prints when it is ready ({@code node N listening on ...}) and, for a
 * broker, unfenced ({@code broker N unfenced with epoch E}).
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
    /** The longest log tail read when looking for a line: ready lines come early after a launch. */
    private static final int MAX_READ_BYTES = 4 * 1024 * 1024;

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
            ProcessBuilder builder = new ProcessBuilder(command(node))
                    .directory(node.configFile().getParent().toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(node.logFile().toFile()));
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
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions());
        command.add("-cp");
        command.add(classPath());
        command.add(MAIN_CLASS);
        command.add("node");
        command.add("--config");
        command.add(node.configFile().toString());
        return command;
    }

    private static List<String> jvmOptions() {
        String configured = System.getenv(OPTS_VARIABLE);
        if (configured == null || configured.isBlank()) {
            return DEFAULT_JVM_OPTIONS;
        }
        return Arrays.stream(configured.trim().split("\\s+")).toList();
    }

    /**
     * This JVM's class path with every entry made absolute ({@code bin/kraftlet} runs the shaded
     * jar), so the node does not depend on the working directory.
     */
    static String classPath() {
        return String.join(File.pathSeparator, Arrays.stream(System.getProperty("java.class.path")
                .split(File.pathSeparator)).filter(entry -> !entry.isEmpty())
                .map(entry -> Path.of(entry).toAbsolutePath().toString()).toList());
    }

    private static File nullDevice() {
        return new File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    /** {@code node N listening on }: the line a node prints once it serves. */
    public static String readyPrefix(ClusterNode node) {
        return "node " + node.nodeId() + " listening on ";
    }

    /** {@code broker N unfenced with epoch }: the line a broker prints once the controller unfenced it. */
    public static String unfencedPrefix(ClusterNode node) {
        return "broker " + node.nodeId() + " unfenced with epoch ";
    }

    /** The first line of {@code log} after {@code offset} that starts with {@code prefix}, if any yet. */
    public static Optional<String> findLine(Path log, long offset, String prefix) {
        try {
            if (!Files.exists(log)) {
                return Optional.empty();
            }
            try (InputStream in = Files.newInputStream(log)) {
                in.skipNBytes(Math.min(offset, Files.size(log)));
                String text = new String(in.readNBytes(MAX_READ_BYTES), StandardCharsets.UTF_8);
                return text.lines().filter(line -> line.startsWith(prefix)).findFirst();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + log + ": " + e.getMessage(), e);
        }
    }

    /** The last {@code count} lines of {@code log} after {@code offset}: why a node failed to start. */
    public static List<String> tail(Path log, long offset, int count) {
        try {
            if (!Files.exists(log)) {
                return List.of();
            }
            try (InputStream in = Files.newInputStream(log)) {
                long size = Files.size(log);
                in.skipNBytes(Math.max(Math.min(offset, size), size - MAX_READ_BYTES));
                List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
                return lines.subList(Math.max(0, lines.size() - count), lines.size());
            }
        } catch (IOException e) {
            return List.of("(cannot read " + log + ": " + e.getMessage() + ")");
        }
    }
}
