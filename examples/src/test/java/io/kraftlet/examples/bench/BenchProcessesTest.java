package io.kraftlet.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchProcessesTest {
    @TempDir
    Path dir;

    @Test
    void portsAreDistinctAndVotersPairIdsWithPorts() throws IOException {
        List<Integer> ports = BenchProcesses.freePorts(5);
        assertEquals(5, new HashSet<>(ports).size());
        assertEquals("1001@127.0.0.1:9001,1002@127.0.0.1:9002",
                BenchProcesses.quorumVoters(List.of(1001, 1002), List.of(9001, 9002)));
        assertThrows(IllegalArgumentException.class, () -> BenchProcesses.quorumVoters(List.of(1), List.of()));
    }

    @Test
    void aRunDirectoryMustBeNewOrEmptyAndIsDeletedWhole() throws IOException {
        Path run = BenchProcesses.requireEmpty(dir.resolve("run"));
        Files.writeString(Files.createDirectories(run.resolve("a/b")).resolve("c.txt"), "x");

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> BenchProcesses.requireEmpty(run));
        assertEquals("--dir " + run + " is not empty; give a new or empty directory", refused.getMessage());

        BenchProcesses.deleteRecursively(run);
        assertFalse(Files.exists(run));
    }

    @Test
    void aJavaProcessRunsOnThisClassPathAndStops() throws IOException, InterruptedException {
        Path log = dir.resolve("out.log");
        Process process = BenchProcesses.startJava(List.of("-Xmx64m"), SnapshotImageLoad.class.getName(), List.of(), log);
        assertTrue(process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(2, process.exitValue(), Files.readString(log));
        assertTrue(Files.readString(log).contains("usage: SnapshotImageLoad SNAPSHOT_DIR"));
        BenchProcesses.stop(List.of(process));
    }
}
