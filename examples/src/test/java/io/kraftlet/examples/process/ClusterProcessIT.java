package io.kraftlet.examples.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.examples.cluster.ClusterState;
import io.kraftlet.examples.cluster.NodeProcessId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/kraftlet cluster} end to end, as a user runs it: {@code up} a 3-controller,
 * 3-broker cluster, {@code status}, {@code kill-node} a broker and see it dead,
 * {@code start-node} it until unfenced, {@code stop-node} another, {@code down}; each output is
 * checked, and afterwards no node process is left. {@code down} runs after the test whatever
 * happened, and any pid still alive after it is killed, so a failure leaks no process.
 */
class ClusterProcessIT {
    /** A loaded CI machine starts six JVMs slowly; a quiet laptop needs a fraction of this. */
    private static final Duration UP_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(90);
    private static final int PORTS = 12;

    private Path dir;
    private int basePort;
    /** Every node pid this test saw, checked dead at the end. */
    private final Set<Long> pidsSeen = new HashSet<>();

    record Run(int exitCode, String out) {
    }

    @BeforeEach
    void chooseDirectoryAndPorts() {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("HHmmss-SSS"));
        Path base = Path.of(Optional.ofNullable(System.getProperty("kraftlet.it.dir")).orElse("target/process-it"));
        dir = base.resolve("cluster-" + stamp).toAbsolutePath();
        basePort = freePortRange(PORTS);
    }

    @AfterEach
    void leaveNoProcess() {
        try {
            if (Files.exists(ClusterState.file(dir))) {
                kraftlet(COMMAND_TIMEOUT, "cluster", "down", "--dir", dir.toString());
            }
        } finally {
            ClusterState.load(dir).ifPresent(state -> state.nodes().forEach(entry -> entry.process()
                    .ifPresent(process -> pidsSeen.add(process.pid()))));
            for (long pid : pidsSeen) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    @Test
    void upStatusKillStartStopDown() {
        Run up = kraftlet(UP_TIMEOUT, "cluster", "up", "--controllers", "3", "--brokers", "3", "--dir", dir.toString(),
                "--base-port", Integer.toString(basePort), "--timeout", Long.toString(UP_TIMEOUT.toSeconds() - 20));
        assertEquals(0, up.exitCode(), up.out());
        for (int broker = 1; broker <= 3; broker++) {
            assertTrue(up.out().contains("broker " + broker + " unfenced with epoch "), up.out());
        }
        assertTrue(up.out().contains("  --bootstrap-server " + addresses(basePort, 3)), up.out());
        assertTrue(up.out().contains("  --bootstrap-controller " + addresses(basePort + 3, 3)), up.out());
        assertTrue(up.out().contains("  metrics of controller 3003: http://127.0.0.1:" + (basePort + 11) + "/metrics"),
                up.out());

        Map<Integer, StatusRow> status = status();
        assertEquals(List.of(1, 2, 3, 3001, 3002, 3003), List.copyOf(status.keySet()));
        status.values().forEach(row -> assertEquals("alive", row.state(), row.toString()));
        assertEquals("broker", status.get(2).roles());
        assertEquals("controller", status.get(3001).roles());
        assertEquals(basePort + 3, status.get(3001).port());
        status.values().forEach(row -> pidsSeen.add(row.pid()));

        long killedPid = status.get(2).pid();
        Run kill = kraftlet(COMMAND_TIMEOUT, "cluster", "kill-node", "2", "--dir", dir.toString());
        assertEquals(0, kill.exitCode(), kill.out());
        assertEquals("Killed broker 2 (pid " + killedPid + ")", kill.out().trim());
        assertFalse(isAlive(killedPid), "pid " + killedPid + " still runs");
        assertEquals("dead", status().get(2).state());

        Run start = kraftlet(UP_TIMEOUT, "cluster", "start-node", "2", "--dir", dir.toString());
        assertEquals(0, start.exitCode(), start.out());
        assertTrue(start.out().contains("broker 2 unfenced with epoch "), start.out());
        StatusRow restarted = status().get(2);
        pidsSeen.add(restarted.pid());
        assertEquals("alive", restarted.state());
        assertNotEquals(killedPid, restarted.pid());

        long stoppedPid = status.get(3).pid();
        Run stop = kraftlet(COMMAND_TIMEOUT, "cluster", "stop-node", "3", "--dir", dir.toString());
        assertEquals(0, stop.exitCode(), stop.out());
        assertTrue(stop.out().contains("Stopped broker 3 (pid " + stoppedPid + ")"), stop.out());
        assertFalse(isAlive(stoppedPid));
        Map<Integer, StatusRow> afterStop = status();
        assertEquals("dead", afterStop.get(3).state());
        assertEquals("alive", afterStop.get(1).state());

        Run down = kraftlet(COMMAND_TIMEOUT, "cluster", "down", "--dir", dir.toString());
        assertEquals(0, down.exitCode(), down.out());
        assertTrue(down.out().trim().endsWith("is down"), down.out());
        for (long pid : pidsSeen) {
            assertFalse(isAlive(pid), "pid " + pid + " still runs after down");
        }
        status().values().forEach(row -> assertEquals("dead", row.state(), row.toString()));

        Run again = kraftlet(COMMAND_TIMEOUT, "cluster", "down", "--dir", dir.toString());
        assertEquals(0, again.exitCode(), again.out());
        assertTrue(again.out().contains("No node of cluster"), again.out());
    }

    /**
     * One row of {@code cluster status}.
     *
     * @param pid 0 when the node was never started
     */
    record StatusRow(int nodeId, String roles, long pid, String state, int port) {
    }

    private Map<Integer, StatusRow> status() {
        Run status = kraftlet(COMMAND_TIMEOUT, "cluster", "status", "--dir", dir.toString());
        assertEquals(0, status.exitCode(), status.out());
        List<String> lines = status.out().lines().toList();
        assertTrue(lines.get(0).startsWith("Cluster ") && lines.get(0).endsWith(" in " + dir), status.out());
        assertEquals(List.of("NODE", "ROLES", "PID", "STATE", "PORT", "METRICS"),
                List.of(lines.get(1).trim().split("\\s+")), status.out());
        Map<Integer, StatusRow> rows = new LinkedHashMap<>();
        for (String line : lines.subList(2, lines.size())) {
            String[] columns = line.trim().split("\\s+");
            StatusRow row = new StatusRow(Integer.parseInt(columns[0]), columns[1],
                    columns[2].equals("-") ? 0 : Long.parseLong(columns[2]), columns[3], Integer.parseInt(columns[4]));
            rows.put(row.nodeId(), row);
        }
        return rows;
    }

    private static Run kraftlet(Duration timeout, String... args) {
        CliProcess.Run run = CliProcess.kraftlet(timeout, args);
        return new Run(run.exitCode(), run.out());
    }

    private static boolean isAlive(long pid) {
        return new NodeProcessId(pid, Optional.empty()).isAlive();
    }

    private static String addresses(int firstPort, int count) {
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            addresses.add("127.0.0.1:" + (firstPort + i));
        }
        return String.join(",", addresses);
    }

    private static int freePortRange(int count) {
        return CliProcess.freePortRange(count);
    }
}
