package io.kraftlet.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.kraftlet.examples.cluster.ClusterPlan;
import io.kraftlet.examples.cluster.ClusterState;
import io.kraftlet.quorum.MetadataQuorum;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code kraftlet cluster} in-process, for everything that does not start a node: help, option
 * checks and the refusals of {@code up}, and the commands on a directory without a cluster.
 * {@code ClusterProcessIT} runs the real thing.
 */
class ClusterCommandTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"cluster", "cluster up", "cluster status", "cluster stop-node", "cluster kill-node",
            "cluster start-node", "cluster down"})
    void everySubcommandHasHelp(String command) {
        KraftletCliTest.Result result = KraftletCliTest.run((command + " --help").split(" "));

        assertEquals(0, result.exitCode(), result.describe());
        assertTrue(result.out().startsWith("Usage: kraftlet " + command), result.describe());
        assertTrue(result.out().contains("--dir") || command.equals("cluster"), result.describe());
    }

    @Test
    void upRefusesBadCountsInOneLine() {
        assertOneLineError(KraftletCliTest.run("cluster", "up", "--dir", tmp.toString(), "--brokers", "0"), 2,
                "--brokers must be between 1 and 32, got 0");
        assertOneLineError(KraftletCliTest.run("cluster", "up", "--dir", tmp.toString(), "--controllers", "x"), 2,
                "--controllers");
        assertOneLineError(KraftletCliTest.run("cluster", "up", "--dir", tmp.toString(), "--base-port", "100"), 2,
                "--base-port must leave room for 12 ports");
        assertOneLineError(KraftletCliTest.run("cluster", "up", "--dir", tmp.toString(), "--timeout", "0"), 2,
                "--timeout must be at least 1 second");
        assertOneLineError(KraftletCliTest.run("cluster", "up", "--dir", tmp.toString(), "--combined", "3",
                "--brokers", "3"), 2, "--combined runs nodes that are controllers and brokers at once");
        assertOneLineError(KraftletCliTest.run("cluster", "up", "--dir", tmp.toString(), "--combined", "0"), 2,
                "--combined must be between 1 and 9 (each is a voter), got 0");
    }

    @Test
    void upRefusesADirectoryHoldingAnotherCluster() {
        ClusterState.planned(new ClusterPlan(tmp, "other-cluster", 20_000, 1, 1)).save(tmp);

        assertOneLineError(KraftletCliTest.run("cluster", "up", "--dir", tmp.toString()), 1,
                tmp + " holds cluster other-cluster");
    }

    @Test
    void upRefusesADirectoryWithAnotherClustersData() {
        MetadataQuorum.format(tmp.resolve("data").resolve("node-1"), "formatted-elsewhere", 1);

        assertOneLineError(KraftletCliTest.run("cluster", "up", "--dir", tmp.toString()), 1,
                "holds data of cluster formatted-elsewhere");
    }

    @Test
    void upRefusesANonEmptyDirectory() throws IOException {
        Files.writeString(tmp.resolve("notes.txt"), "mine");

        assertOneLineError(KraftletCliTest.run("cluster", "up", "--dir", tmp.toString()), 1, "is not empty");
    }

    @Test
    void upNamesAPortInUseAndWritesNothing() throws IOException {
        Path dir = tmp.resolve("cluster");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            // The taken port is the first controller's (after one broker), so the check covers more than the base.
            int base = port - 1;
            KraftletCliTest.Result result = KraftletCliTest.run("cluster", "up", "--dir", dir.toString(),
                    "--controllers", "1", "--brokers", "1", "--base-port", Integer.toString(base));

            assumeFalse(result.err().contains("port " + base + " "), "the port below ours is taken as well");
            assertOneLineError(result, 1, "port " + port + " (controller 3001's listener) is in use on 127.0.0.1");
        }
        assertFalse(Files.exists(dir.resolve(ClusterState.FILE_NAME)));
    }

    @Test
    void statusAndNodeCommandsNeedACluster() {
        for (String[] args : new String[][] {{"status"}, {"stop-node", "1"}, {"kill-node", "1"}, {"start-node", "1"}}) {
            String[] command = new String[args.length + 3];
            command[0] = "cluster";
            System.arraycopy(args, 0, command, 1, args.length);
            command[args.length + 1] = "--dir";
            command[args.length + 2] = tmp.toString();

            assertOneLineError(KraftletCliTest.run(command), 1, "no cluster in " + tmp);
        }
    }

    @Test
    void downWithoutAClusterDoesNothing() {
        KraftletCliTest.Result result = KraftletCliTest.run("cluster", "down", "--dir", tmp.toString());

        assertEquals(0, result.exitCode(), result.describe());
        assertEquals("No cluster in " + tmp + "; nothing to stop", result.out().trim());
    }

    @Test
    void statusPrintsEveryNodeDeadBeforeAnyStart() {
        ClusterState.planned(new ClusterPlan(tmp, "never-started", 20_000, 1, 2)).save(tmp);

        KraftletCliTest.Result result = KraftletCliTest.run("cluster", "status", "--dir", tmp.toString());

        assertEquals(0, result.exitCode(), result.describe());
        assertEquals(List.of(
                "Cluster never-started in " + tmp,
                "NODE   ROLES       PID      STATE  PORT   METRICS",
                "1      broker      -        dead   20000  http://127.0.0.1:20003/metrics",
                "2      broker      -        dead   20001  http://127.0.0.1:20004/metrics",
                "3001   controller  -        dead   20002  http://127.0.0.1:20005/metrics"), result.out().lines().toList());
    }

    @Test
    void statusOfCombinedNodesShowsTheirControllerPorts() {
        ClusterState.planned(ClusterPlan.combined(tmp, "combined", 20_000, 2)).save(tmp);

        KraftletCliTest.Result result = KraftletCliTest.run("cluster", "status", "--dir", tmp.toString());

        assertEquals(0, result.exitCode(), result.describe());
        assertEquals(List.of(
                "Cluster combined in " + tmp,
                "NODE   ROLES             PID      STATE  PORT   CONTROLLER METRICS",
                "1      broker,controller -        dead   20000  20002      http://127.0.0.1:20004/metrics",
                "2      broker,controller -        dead   20001  20003      http://127.0.0.1:20005/metrics"),
                result.out().lines().toList());
    }

    @Test
    void anUnknownNodeIsOneLine() {
        ClusterState.planned(new ClusterPlan(tmp, "known", 20_000, 1, 1)).save(tmp);

        assertOneLineError(KraftletCliTest.run("cluster", "kill-node", "7", "--dir", tmp.toString()), 1,
                "cluster known has no node 7 (its nodes: 1, 3001)");
    }

    private static void assertOneLineError(KraftletCliTest.Result result, int exitCode, String fragment) {
        assertEquals(exitCode, result.exitCode(), result.describe());
        assertEquals(1, result.err().lines().count(), result.describe());
        assertTrue(result.err().startsWith("error: ") && result.err().contains(fragment),
                "missing '" + fragment + "' in " + result.describe());
    }
}
