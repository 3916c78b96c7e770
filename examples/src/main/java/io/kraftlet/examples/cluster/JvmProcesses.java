package io.kraftlet.examples.cluster;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * What {@code kraftlet cluster} ({@link NodeLauncher}, {@link ClusterOperations}) and the
 * benchmarks share to run JVMs, {@code kraftlet node} ones above all, as OS processes of their
 * own: the command line of a JVM on this JVM's class path, a process builder sending its stdout
 * and stderr to a log file, the lines a node prints there when it serves or is unfenced and how
 * to find them, waiting with a deadline, and stopping a process (SIGTERM, then SIGKILL).
 *
 * <p>Static methods, any thread.
 */
public final class JvmProcesses {
    /** The longest log tail read when looking for a line: ready lines come early after a launch. */
    private static final int MAX_READ_BYTES = 4 * 1024 * 1024;

    private JvmProcesses() {
    }

    /**
     * {@code <java.home>/bin/java <jvmOptions> -cp <classPath> <mainClass> <args>}: this JVM's
     * {@code java} running {@code mainClass}.
     */
    public static List<String> javaCommand(List<String> jvmOptions, String classPath, String mainClass,
            List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classPath);
        command.add(mainClass);
        command.addAll(args);
        return command;
    }

    /**
     * This JVM's class path with every entry made absolute ({@code bin/kraftlet} runs the shaded
     * jar), so a process started in another directory finds the same classes.
     */
    public static String absoluteClassPath() {
        return String.join(File.pathSeparator, Arrays.stream(System.getProperty("java.class.path")
                .split(File.pathSeparator)).filter(entry -> !entry.isEmpty())
                .map(entry -> Path.of(entry).toAbsolutePath().toString()).toList());
    }

    /**
     * A builder for {@code command} whose stdout and stderr both go to {@code log}: appended to
     * it, or replacing what it held.
     */
    public static ProcessBuilder loggingTo(List<String> command, Path log, boolean append) {
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(
                append ? ProcessBuilder.Redirect.appendTo(log.toFile()) : ProcessBuilder.Redirect.to(log.toFile()));
    }

    /** {@code node N listening on }: the line a node prints once it serves. */
    public static String readyPrefix(int nodeId) {
        return "node " + nodeId + " listening on ";
    }

    /** {@code broker N unfenced with epoch }: the line a broker prints once the controller unfenced it. */
    public static String unfencedPrefix(int nodeId) {
        return "broker " + nodeId + " unfenced with epoch ";
    }

    /**
     * The first line of {@code log} after {@code offset} that starts with {@code prefix}, if any yet.
     *
     * @throws UncheckedIOException if the log exists but cannot be read
     */
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

    /** {@link #pollUntil(BooleanSupplier, long, long, Supplier, LongConsumer)} without progress. */
    public static void pollUntil(BooleanSupplier done, long deadlineNs, long pollMs,
            Supplier<? extends RuntimeException> timedOut) {
        pollUntil(done, deadlineNs, pollMs, timedOut, nowNs -> {
        });
    }

    /**
     * Calls {@code done} until it returns true, {@code pollMs} apart. After each false: throws
     * what {@code timedOut} gives once {@code System.nanoTime()} is past {@code deadlineNs},
     * otherwise gives {@code stillWaiting} that time (for progress lines). Whatever {@code done}
     * throws (a process that exited, say) ends the wait too.
     */
    public static void pollUntil(BooleanSupplier done, long deadlineNs, long pollMs,
            Supplier<? extends RuntimeException> timedOut, LongConsumer stillWaiting) {
        while (!done.getAsBoolean()) {
            long nowNs = System.nanoTime();
            if (nowNs > deadlineNs) {
                throw timedOut.get();
            }
            stillWaiting.accept(nowNs);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(pollMs));
        }
    }

    /** How {@link #awaitExitOrKill} ended. */
    public enum Exit {
        /** It exited by itself (after the SIGTERM sent before, say). */
        EXITED,
        /** It did not, so it got SIGKILL, and then exited. */
        KILLED,
        /** It did not exit even after SIGKILL. */
        STUCK
    }

    /**
     * Waits up to {@code exitTimeout} for {@code process} to exit (the caller has usually sent it
     * SIGTERM), then sends SIGKILL and waits up to {@code killTimeout} more.
     */
    public static Exit awaitExitOrKill(ProcessHandle process, Duration exitTimeout, Duration killTimeout)
            throws InterruptedException {
        if (waitFor(process, exitTimeout)) {
            return Exit.EXITED;
        }
        process.destroyForcibly();
        return waitFor(process, killTimeout) ? Exit.KILLED : Exit.STUCK;
    }

    /** Whether {@code process} exited within {@code timeout}. */
    public static boolean waitFor(ProcessHandle process, Duration timeout) throws InterruptedException {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException stillRunning) {
            return false;
        } catch (ExecutionException impossible) {
            throw new IllegalStateException(impossible.getCause());
        }
    }
}
