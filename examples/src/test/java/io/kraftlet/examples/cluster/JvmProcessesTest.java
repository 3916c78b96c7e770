package io.kraftlet.examples.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

class JvmProcessesTest {
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    /** Prints each argument on a line of its own and exits with status 3. */
    public static final class Echo {
        public static void main(String[] args) {
            for (String arg : args) {
                System.out.println(arg);
            }
            System.exit(3);
        }
    }

    @Test
    void theCommandRunsThisJavaWithItsOptionsAndClassPath() {
        List<String> command = JvmProcesses.javaCommand(List.of("-Xmx64m", "-XX:+UseSerialGC"), "a.jar", "x.Main",
                List.of("node", "--config", "n.properties"));
        assertEquals(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                "-XX:+UseSerialGC", "-cp", "a.jar", "x.Main", "node", "--config", "n.properties"), command);
        for (String entry : JvmProcesses.absoluteClassPath().split(File.pathSeparator)) {
            assertTrue(Path.of(entry).isAbsolute(), entry);
        }
    }

    @Test
    void aJvmLogsToAFileWhoseLinesAreFoundAfterAnOffset() throws IOException, InterruptedException {
        Path log = dir.resolve("node-1.log");
        assertEquals(Optional.empty(), JvmProcesses.findLine(log, 0, "node 1"));
        assertEquals(List.of(), JvmProcesses.tail(log, 0, 5));
        Files.writeString(log, "node 1 listening on an earlier start\n");
        long offset = Files.size(log);

        Process appended = echo(log, true, "starting", "node 1 listening on 127.0.0.1:9092",
                "broker 1 unfenced with epoch 7");

        assertEquals(3, appended.exitValue());
        assertEquals(Optional.of("node 1 listening on an earlier start"),
                JvmProcesses.findLine(log, 0, JvmProcesses.readyPrefix(1)));
        assertEquals(Optional.of("node 1 listening on 127.0.0.1:9092"),
                JvmProcesses.findLine(log, offset, JvmProcesses.readyPrefix(1)));
        assertEquals(Optional.of("broker 1 unfenced with epoch 7"),
                JvmProcesses.findLine(log, offset, JvmProcesses.unfencedPrefix(1)));
        assertEquals(Optional.empty(), JvmProcesses.findLine(log, offset, JvmProcesses.readyPrefix(2)));
        assertEquals(List.of("node 1 listening on 127.0.0.1:9092", "broker 1 unfenced with epoch 7"),
                JvmProcesses.tail(log, offset, 2));
        assertEquals(4, JvmProcesses.tail(log, 0, 10).size());

        echo(log, false, "a new log");
        assertEquals("a new log\n", Files.readString(log).replace(System.lineSeparator(), "\n"));
    }

    private static Process echo(Path log, boolean append, String... lines) throws IOException, InterruptedException {
        Process process = JvmProcesses.loggingTo(JvmProcesses.javaCommand(List.of("-Xmx64m"),
                JvmProcesses.absoluteClassPath(), Echo.class.getName(), List.of(lines)), log, append).start();
        assertTrue(process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), "echo did not exit");
        return process;
    }

    @Test
    void pollingStopsWhenDoneOrFailsPastTheDeadline() {
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger progress = new AtomicInteger();
        JvmProcesses.pollUntil(() -> calls.incrementAndGet() == 3, System.nanoTime() + EXIT_TIMEOUT.toNanos(), 1,
                () -> new IllegalStateException("late"), nowNs -> progress.incrementAndGet());
        assertEquals(3, calls.get());
        assertEquals(2, progress.get());

        IllegalStateException late = new IllegalStateException("late");
        long deadlineNs = System.nanoTime() + Duration.ofMillis(100).toNanos();
        assertSame(late, assertThrows(IllegalStateException.class,
                () -> JvmProcesses.pollUntil(() -> false, deadlineNs, 5, () -> late)));
        assertTrue(System.nanoTime() > deadlineNs);

        IllegalArgumentException exited = new IllegalArgumentException("exited");
        assertSame(exited, assertThrows(IllegalArgumentException.class, () -> JvmProcesses.pollUntil(() -> {
            throw exited;
        }, deadlineNs, 5, () -> late)));
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void aProcessExitsOnSigtermOrIsKilled() throws IOException, InterruptedException {
        Process obeys = new ProcessBuilder("sleep", "60").start();
        obeys.destroy();
        assertEquals(JvmProcesses.Exit.EXITED,
                JvmProcesses.awaitExitOrKill(obeys.toHandle(), EXIT_TIMEOUT, EXIT_TIMEOUT));

        Path log = dir.resolve("stubborn.log");
        Process ignoresSigterm = JvmProcesses.loggingTo(
                List.of("sh", "-c", "trap '' TERM; echo ignoring TERM; exec sleep 60"), log, false).start();
        try {
            JvmProcesses.pollUntil(() -> JvmProcesses.findLine(log, 0, "ignoring TERM").isPresent(),
                    System.nanoTime() + EXIT_TIMEOUT.toNanos(), 10, () -> new IllegalStateException("sh did not start"));
            ignoresSigterm.destroy();
            assertEquals(JvmProcesses.Exit.KILLED,
                    JvmProcesses.awaitExitOrKill(ignoresSigterm.toHandle(), Duration.ofMillis(200), EXIT_TIMEOUT));
            assertTrue(ignoresSigterm.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        } finally {
            ignoresSigterm.destroyForcibly();
        }
    }
}
