package io.kraftlet.examples.process;

import io.kraftlet.examples.node.CommittedFile;
import io.kraftlet.examples.node.ExampleStateMachine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One {@code kraftlet node} (controller, broker or example node) in its own JVM, started from the
 * shaded jar, with its configuration, data directory and captured stdout/stderr under one
 * directory kept for diagnosis.
 */
final class NodeProcess {
    /** Small, quick-starting JVMs: several share two cores with the build. */
    private static final List<String> JVM_OPTIONS = List.of("-Xmx160m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-XX:-UsePerfData", "-Xss512k");
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    final int nodeId;
    final String host = "127.0.0.1";
    final int port;
    final Path home;
    final Path dataDir;
    final Path config;
    private final Path stdout;
    private final Path stderr;
    private Process process;
    private int starts;
    /** Lines of stdout.txt written before the current start. */
    private int stdoutLinesBeforeStart;

    NodeProcess(int nodeId, int port, Path home, Map<String, String> properties) {
        this.nodeId = nodeId;
        this.port = port;
        this.home = home;
        this.dataDir = home.resolve("data");
        this.config = home.resolve("node-" + nodeId + ".properties");
        this.stdout = home.resolve("stdout.txt");
        this.stderr = home.resolve("stderr.txt");
        StringBuilder text = new StringBuilder();
        properties.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        try {
            Files.createDirectories(home);
            Files.writeString(config, text.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String address() {
        return host + ":" + port;
    }

    /** Starts the JVM (output appended to stdout.txt / stderr.txt) and waits for its ready line. */
    void start() {
        startProcess();
        awaitReady();
    }

    /** Waits for this start's ready line; fails at once if the JVM exits instead. */
    void awaitReady() {
        String ready = "node " + nodeId + " listening on ";
        Poll.until("node " + nodeId + " to print '" + ready + "'", READY_TIMEOUT, this::diagnostics, () -> {
            if (!process.isAlive()) {
                throw new AssertionError("node " + nodeId + " exited with " + process.exitValue() + " while starting\n"
                        + diagnostics());
            }
            return readyLines() >= starts;
        });
    }

    /**
     * Waits for this start's {@code broker N unfenced with epoch E} line and returns E; fails at
     * once if the JVM exits instead.
     */
    long awaitUnfenced(Duration timeout) {
        String prefix = "broker " + nodeId + " unfenced with epoch ";
        String line = Poll.value("broker " + nodeId + " to print '" + prefix + "'", timeout, this::diagnostics, () -> {
            if (!process.isAlive()) {
                throw new AssertionError("broker " + nodeId + " exited with " + process.exitValue() + "\n"
                        + diagnostics());
            }
            List<String> lines = readLines(stdout);
            return lines.subList(Math.min(stdoutLinesBeforeStart, lines.size()), lines.size()).stream()
                    .filter(candidate -> candidate.startsWith(prefix)).findFirst();
        });
        return Long.parseLong(line.substring(prefix.length()).trim());
    }

    /** Starts the JVM without waiting: for nodes expected to refuse to start. */
    void startProcess() {
        stdoutLinesBeforeStart = readLines(stdout).size();
        ProcessBuilder builder = new ProcessBuilder(command())
                .directory(home.toFile())
                .redirectOutput(ProcessBuilder.Redirect.appendTo(stdout.toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start node " + nodeId, e);
        }
        starts++;
    }

    /** SIGKILL: no shutdown hook, no resignation, no flush. */
    void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            waitFor();
        }
    }

    /** Waits for the process to exit by itself and returns its exit code. */
    int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("node " + nodeId + " still runs after " + timeout + "\n" + diagnostics());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return process.exitValue();
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The sequence numbers in committed.txt. */
    List<Long> committed() {
        return CommittedFile.read(dataDir);
    }

    long lastCommitted() {
        List<Long> committed = committed();
        return committed.isEmpty() ? 0 : committed.get(committed.size() - 1);
    }

    /** The lines of snapshot-loads.txt, one per snapshot the node loaded. */
    List<String> snapshotLoads() {
        return readLines(dataDir.resolve(ExampleStateMachine.SNAPSHOT_LOADS_FILE_NAME));
    }

    String stderrText() {
        return String.join("\n", readLines(stderr));
    }

    String diagnostics() {
        List<String> lines = readLines(stderr);
        List<String> tail = lines.subList(Math.max(0, lines.size() - 25), lines.size());
        return "--- node " + nodeId + " (" + home + ", " + (isAlive() ? "running" : "stopped") + ", last committed "
                + lastCommitted() + ") stderr tail:\n" + String.join("\n", tail);
    }

    private long readyLines() {
        return readLines(stdout).stream().filter(line -> line.startsWith("node " + nodeId + " listening on ")).count();
    }

    private void waitFor() {
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private List<String> command() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(JVM_OPTIONS);
        command.add("-cp");
        command.add(kraftletJar().toString());
        command.add("io.kraftlet.examples.KraftletCli");
        command.add("node");
        command.add("--config");
        command.add(config.toString());
        return command;
    }

    static Path kraftletJar() {
        Path jar = Path.of(Optional.ofNullable(System.getProperty("kraftlet.jar")).orElse("target/kraftlet.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError(jar.toAbsolutePath() + " is missing: run the process tests with `mvn verify`,"
                    + " which packages it first");
        }
        return jar.toAbsolutePath();
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
