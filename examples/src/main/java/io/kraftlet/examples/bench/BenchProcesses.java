package io.kraftlet.examples.bench;

import io.kraftlet.examples.KraftletCli;
import io.kraftlet.examples.cluster.JvmProcesses;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What the benchmarks share to run their nodes as separate JVMs on this machine: the run
 * directory, free loopback ports, the quorum's voter list, starting a JVM on this JVM's class
 * path, waiting for a line in its log, stopping processes. The mechanisms themselves (command
 * line, log redirection, finding a line, waiting with a deadline, SIGTERM then SIGKILL) are
 * {@link JvmProcesses}, shared with {@code kraftlet cluster}. Static methods, any thread.
 */
final class BenchProcesses {
    /** How long a process gets to exit after SIGTERM before it is killed. */
    static final Duration STOP_WAIT = Duration.ofSeconds(5);
    /** How often a node's log is read while waiting for a line. */
    private static final long POLL_MS = 50;

    private BenchProcesses() {
    }

    /** Refuses a run directory that already holds something: old results would be read as new. */
    static Path requireEmpty(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException("--dir " + dir + " is not empty; give a new or empty directory");
                }
            }
        }
        return Files.createDirectories(dir);
    }

    /**
     * Free ports on loopback. All are held open until all are chosen so no two are the same;
     * another process could still take one before its node binds it, which fails that run
     * with a clear error in the node's log.
     */
    static List<Integer> freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
            }
            return sockets.stream().map(ServerSocket::getLocalPort).collect(Collectors.toList());
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }

    /** {@code controller.quorum.voters} for the given node ids on the given loopback ports, pairwise. */
    static String quorumVoters(List<Integer> nodeIds, List<Integer> ports) {
        if (nodeIds.size() != ports.size()) {
            throw new IllegalArgumentException(nodeIds.size() + " node ids but " + ports.size() + " ports");
        }
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < ports.size(); i++) {
            entries.add(nodeIds.get(i) + "@127.0.0.1:" + ports.get(i));
        }
        return String.join(",", entries);
    }

    /**
     * Starts {@code mainClass} in a new JVM with this JVM's class path (the shaded jar under
     * {@code bin/kraftlet}), its stdout and stderr both going to {@code log}.
     */
    static Process startJava(List<String> jvmOptions, String mainClass, List<String> args, Path log) throws IOException {
        return JvmProcesses.loggingTo(JvmProcesses.javaCommand(jvmOptions, System.getProperty("java.class.path"),
                mainClass, args), log, false).start();
    }

    /**
     * Starts a {@code kraftlet node} JVM with {@code config} (see {@link #startJava}), so it runs
     * exactly what an operator runs.
     */
    static Process startNode(List<String> jvmOptions, Path config, Path log) throws IOException {
        return startJava(jvmOptions, KraftletCli.class.getName(), List.of("node", "--config", config.toString()),
                log);
    }

    /** Writes a node's configuration as {@code key=value} lines, in the map's order. */
    static Path writeProperties(Path file, Map<String, String> properties) throws IOException {
        StringBuilder text = new StringBuilder();
        properties.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        return Files.writeString(file, text.toString(), StandardCharsets.UTF_8);
    }

    /**
     * Waits until {@code log} holds a line starting with {@code prefix} (a node's ready or
     * unfenced line).
     *
     * @throws BenchFailedException naming {@code who} and its log if the process exits first or
     *     the line does not come within {@code timeout}
     */
    static void awaitPrinted(String who, Process process, Path log, String prefix, Duration timeout) {
        JvmProcesses.pollUntil(() -> {
            if (printed(log, prefix)) {
                return true;
            }
            checkAlive(who, process, log);
            return false;
        }, System.nanoTime() + timeout.toNanos(), POLL_MS, () -> new BenchFailedException(who + " did not print '"
                + prefix.trim() + "' within " + timeout.toSeconds() + " s; see " + log));
    }

    /** @throws BenchFailedException naming {@code who} and its log if the process has exited */
    static void checkAlive(String who, Process process, Path log) {
        if (!process.isAlive()) {
            throw new BenchFailedException(who + " exited with status " + process.exitValue() + "; see " + log);
        }
    }

    private static boolean printed(Path log, String prefix) {
        try {
            return JvmProcesses.findLine(log, 0, prefix).isPresent();
        } catch (UncheckedIOException notYet) {
            return false;
        }
    }

    /**
     * A shutdown hook that kills every process still in {@code processes}, so a coordinator
     * stopped with Ctrl-C leaves no node behind holding ports. Remove it after {@link #stop}.
     */
    static Thread killOnExit(Collection<Process> processes) {
        Thread killer = new Thread(() -> processes.forEach(Process::destroyForcibly), "kraftlet-bench-killer");
        Runtime.getRuntime().addShutdownHook(killer);
        return killer;
    }

    /** SIGTERM to every process at once, then SIGKILL to any that has not exited in time. */
    static void stop(Collection<Process> processes) throws InterruptedException {
        processes.forEach(Process::destroy);
        for (Process process : processes) {
            JvmProcesses.awaitExitOrKill(process.toHandle(), STOP_WAIT, STOP_WAIT);
        }
    }

    static void deleteRecursively(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException failed) {
                    throw new UncheckedIOException(failed);
                }
            });
        }
    }
}
