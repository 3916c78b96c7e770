package io.kraftlet.examples.process;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code bin/kraftlet} as a real process for the process tests, and finds free port ranges
 * for the clusters it starts.
 */
final class CliProcess {
    /** Nodes get small, quick-starting JVMs: six of them share the machine with the build. */
    static final String NODE_OPTS = "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData -Xss512k";
    static final String CLI_OPTS = "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData";
    private static final int PORT_SEARCH_ATTEMPTS = 50;

    /** Exit code and everything printed (stdout and stderr together). */
    record Run(int exitCode, String out) {
    }

    private CliProcess() {
    }

    /** Runs {@code bin/kraftlet ARGS} with small node JVMs and waits up to {@code timeout} for it. */
    static Run kraftlet(Duration timeout, String... args) {
        Path jar = NodeProcess.kraftletJar();
        Path script = jar.getParent().getParent().getParent().resolve("bin").resolve("kraftlet");
        List<String> command = new ArrayList<>(List.of(script.toString()));
        command.addAll(List.of(args));
        try {
            Path output = Files.createTempFile("kraftlet-cli-it", ".txt");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            builder.environment().putAll(Map.of("KRAFTLET_NODE_OPTS", NODE_OPTS, "KRAFTLET_OPTS", CLI_OPTS));
            Process process = builder.start();
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    throw new AssertionError(String.join(" ", args) + " did not finish within " + timeout + ":\n"
                            + Files.readString(output, StandardCharsets.UTF_8));
                }
                return new Run(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** What one tool process printed and how it exited, stdout and stderr apart. */
    record ToolRun(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    /**
     * Runs {@code bin/kraftlet ARGS} as a user does, with {@code stdin} as its input, waiting up
     * to {@code timeout} for it to exit; its output files go to {@code workDir}.
     */
    static ToolRun tool(Path workDir, Duration timeout, String stdin, String... args) {
        Path script = Path.of("..", "bin", "kraftlet").toAbsolutePath().normalize();
        try {
            Files.createDirectories(workDir);
            Path out = Files.createTempFile(workDir, "tool-", ".out");
            Path err = Files.createTempFile(workDir, "tool-", ".err");
            List<String> command = new ArrayList<>(List.of(script.toString()));
            command.addAll(List.of(args));
            Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .start();
            try (OutputStream in = process.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            } catch (IOException closedEarly) {
                // A tool that failed before reading its input closes stdin; its exit code tells why.
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", args) + " did not exit within " + timeout + ":\n"
                        + Files.readString(out, StandardCharsets.UTF_8) + Files.readString(err, StandardCharsets.UTF_8));
            }
            return new ToolRun(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The first of {@code count} consecutive loopback ports that are free now, below the ephemeral range. */
    static int freePortRange(int count) {
        Random random = new Random();
        for (int attempt = 0; attempt < PORT_SEARCH_ATTEMPTS; attempt++) {
            int base = 20_000 + random.nextInt(10_000);
            if (allFree(base, count)) {
                return base;
            }
        }
        throw new AssertionError("no " + count + " consecutive free ports found in " + PORT_SEARCH_ATTEMPTS + " tries");
    }

    private static boolean allFree(int base, int count) {
        for (int port = base; port < base + count; port++) {
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                socket.setReuseAddress(true);
            } catch (IOException taken) {
                return false;
            }
        }
        return true;
    }
}
