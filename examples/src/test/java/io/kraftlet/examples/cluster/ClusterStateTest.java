package io.kraftlet.examples.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state file: round trip, node lookup, a missing or damaged file, and telling a reused pid apart. */
class ClusterStateTest {
    @TempDir
    Path dir;

    private ClusterState planned() {
        return ClusterState.planned(new ClusterPlan(dir, "state-test", 20_000, 3, 2));
    }

    @Test
    void savedStateLoadsBackEqual() {
        ClusterState state = planned()
                .withProcess(1, new NodeProcessId(4242, Optional.of(Instant.parse("2026-01-02T03:04:05.678Z"))))
                .withProcess(3001, new NodeProcessId(4343, Optional.empty()));

        state.save(dir);

        assertEquals(Optional.of(state), ClusterState.load(dir));
        assertFalse(Files.exists(dir.resolve(ClusterState.FILE_NAME + ".tmp")));
    }

    @Test
    void aCombinedClusterKeepsEachNodesControllerPort() {
        ClusterState state = ClusterState.planned(ClusterPlan.combined(dir, "combined-state", 20_000, 3))
                .withProcess(2, new NodeProcessId(99, Optional.empty()));

        state.save(dir);

        ClusterState loaded = ClusterState.load(dir).orElseThrow();
        assertEquals(state, loaded);
        assertEquals(20_004, loaded.entry(2).node().controllerPort());
        assertEquals(20_001, loaded.entry(2).node().port());
    }

    @Test
    void withProcessReplacesOnlyThatNode() {
        ClusterState state = planned().withProcess(2, new NodeProcessId(7, Optional.empty()));

        assertEquals(7, state.entry(2).process().orElseThrow().pid());
        assertTrue(state.entry(1).process().isEmpty());
        assertEquals(5, state.nodes().size());
    }

    @Test
    void anUnknownNodeIsNamedWithTheClustersNodes() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> planned().entry(9));

        assertEquals("cluster state-test has no node 9 (its nodes: 1, 2, 3001, 3002, 3003)", refused.getMessage());
    }

    @Test
    void aDirectoryWithoutStateHoldsNoCluster() {
        assertEquals(Optional.empty(), ClusterState.load(dir));
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> ClusterState.require(dir));
        assertTrue(refused.getMessage().startsWith("no cluster in " + dir), refused.getMessage());
    }

    @Test
    void aDamagedFileIsReportedNotGuessed() throws IOException {
        Files.writeString(ClusterState.file(dir), "cluster.id=x\nnodes=1\n");

        IllegalStateException damaged = assertThrows(IllegalStateException.class, () -> ClusterState.load(dir));

        assertTrue(damaged.getMessage().contains("node.1.roles is missing"), damaged.getMessage());
    }

    @Test
    void thisProcessIsAliveAndAReusedPidIsNot() {
        NodeProcessId self = NodeProcessId.of(ProcessHandle.current());
        assertTrue(self.isAlive());

        Instant otherStart = self.startedAt().orElse(Instant.EPOCH).minusSeconds(3600);
        NodeProcessId reused = new NodeProcessId(self.pid(), Optional.of(otherStart));
        assertEquals(self.startedAt().isPresent(), !reused.isAlive());
    }
}
