package io.kraftlet.examples.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.controller.ControllerApi;
import io.kraftlet.examples.cluster.ClusterState;
import io.kraftlet.transport.grpc.ControllerClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three combined nodes ({@code process.roles=broker,controller}) as {@code kraftlet cluster up
 * --combined 3} lays them out: each one {@code kraftlet node} process with a {@code CONTROLLER}
 * listener for the quorum and a {@code PLAINTEXT} listener for its broker, as Kafka runs small
 * clusters. The tools work against them: {@code topics} and {@code console-producer} /
 * {@code console-consumer} over the broker listeners, {@code metadata-quorum} over the controller
 * listeners. {@code cluster kill-node 2} (SIGKILL): the quorum keeps a leader, node 2's replicas
 * leave the ISRs, and acks=all goes on with min.insync.replicas=2; {@code cluster start-node 2}:
 * it rejoins every ISR, and every acknowledged line is consumed. {@code cluster down} stops the
 * three (brokers' controlled shutdowns, then the controllers) and leaves no process behind.
 */
class CombinedModeProcessIT {
    private static final Duration UP_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String TOPIC = "combined-p3r3";
    private static final int NODES = 3;

    private Path dir;
    private int basePort;
    private ControllerClient controller;
    private final Set<Long> pidsSeen = new HashSet<>();

    @BeforeEach
    void chooseDirectoryAndPorts() {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("HHmmss-SSS"));
        Path base = Path.of(Optional.ofNullable(System.getProperty("kraftlet.it.dir")).orElse("target/process-it"));
        dir = base.resolve("combined-" + stamp).toAbsolutePath();
        basePort = CliProcess.freePortRange(3 * NODES);
    }

    @AfterEach
    void leaveNoProcess() {
        try {
            if (controller != null) {
                controller.close();
            }
            if (Files.exists(ClusterState.file(dir))) {
                CliProcess.kraftlet(TIMEOUT, "cluster", "down", "--dir", dir.toString());
            }
        } finally {
            rememberPids();
            pidsSeen.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        }
    }

    @Test
    void threeCombinedNodesServeTheToolsAndSurviveAKilledNode() {
        CliProcess.Run up = CliProcess.kraftlet(UP_TIMEOUT, "cluster", "up", "--combined", Integer.toString(NODES),
                "--dir", dir.toString(), "--base-port", Integer.toString(basePort),
                "--timeout", Long.toString(UP_TIMEOUT.toSeconds() - 20));
        assertEquals(0, up.exitCode(), up.out());
        rememberPids();
        String brokers = addresses(basePort);
        String controllers = addresses(basePort + NODES);
        assertTrue(up.out().contains("is up (3 combined nodes)"), up.out());
        assertTrue(up.out().contains("  --bootstrap-server " + brokers + "\n"), up.out());
        assertTrue(up.out().contains("  --bootstrap-controller " + controllers + "\n"), up.out());
        for (int node = 1; node <= NODES; node++) {
            assertTrue(up.out().contains("broker " + node + " unfenced with epoch "), up.out());
        }
        CliProcess.Run status = CliProcess.kraftlet(TIMEOUT, "cluster", "status", "--dir", dir.toString());
        assertEquals(0, status.exitCode(), status.out());
        List<String> rows = status.out().lines().toList();
        assertEquals(List.of("NODE", "ROLES", "PID", "STATE", "PORT", "CONTROLLER", "METRICS"),
                List.of(rows.get(1).trim().split("\\s+")), status.out());
        for (int node = 1; node <= NODES; node++) {
            String[] columns = rows.get(1 + node).trim().split("\\s+");
            assertEquals(List.of(Integer.toString(node), "broker,controller", "alive",
                    Integer.toString(basePort + node - 1), Integer.toString(basePort + NODES + node - 1)),
                    List.of(columns[0], columns[1], columns[3], columns[4], columns[5]), status.out());
        }
        String clusterId = ClusterState.require(dir).clusterId();
        controller = ControllerClient.builder().clusterId(clusterId).controllers(IntStream.rangeClosed(1, NODES)
                .mapToObj(id -> id + "@127.0.0.1:" + (basePort + NODES + id - 1)).collect(Collectors.joining(",")))
                .requestTimeoutMs(5000).build();

        CliProcess.ToolRun created = tool("", "topics", "--bootstrap-server", brokers, "--create", "--topic", TOPIC,
                "--partitions", "3", "--replication-factor", "3", "--config", "min.insync.replicas=2");
        // A retried request (the first answer was late under load) finds the topic its first try created.
        assertTrue(created.exitCode() == 0 || created.stderr().contains("already exists"), created.toString());
        awaitPartitions("every partition of " + TOPIC + " led with a full ISR",
                p -> p.leader() >= 0 && p.isr().size() == 3);
        CliProcess.ToolRun described = tool("", "topics", "--bootstrap-server", brokers, "--describe", "--topic", TOPIC);
        assertEquals(0, described.exitCode(), described.toString());
        assertTrue(described.stdout().startsWith("Topic: " + TOPIC + "\tTopicId: "), described.toString());
        assertEquals(4, described.stdout().lines().count(), described.toString());
        CliProcess.ToolRun quorum = tool("", "metadata-quorum", "--bootstrap-controller", controllers, "describe",
                "--status");
        assertEquals(0, quorum.exitCode(), quorum.toString());
        assertTrue(quorum.stdout().startsWith("ClusterId:              " + clusterId + "\n"), quorum.toString());

        List<String> before = lines("before", 9);
        CliProcess.ToolRun produced = tool(String.join("\n", before) + "\n", "console-producer", "--bootstrap-server",
                brokers, "--topic", TOPIC, "--acks", "all");
        assertEquals(0, produced.exitCode(), produced.toString());

        // SIGKILL node 2: a controller and a broker gone at once.
        CliProcess.Run kill = CliProcess.kraftlet(TIMEOUT, "cluster", "kill-node", "2", "--dir", dir.toString());
        assertEquals(0, kill.exitCode(), kill.out());
        assertTrue(kill.out().startsWith("Killed combined 2 (pid "), kill.out());
        awaitPartitions("node 2 leads nothing and is in no ISR", p -> p.leader() != 2 && !p.isr().contains(2));
        List<String> during = lines("during", 6);
        CliProcess.ToolRun producedDuring = tool(String.join("\n", during) + "\n", "console-producer",
                "--bootstrap-server", brokers, "--topic", TOPIC, "--acks", "all");
        assertEquals(0, producedDuring.exitCode(), "acks=all with two of three replicas: " + producedDuring);

        CliProcess.Run start = CliProcess.kraftlet(UP_TIMEOUT, "cluster", "start-node", "2", "--dir", dir.toString());
        assertEquals(0, start.exitCode(), start.out());
        assertTrue(start.out().contains("broker 2 unfenced with epoch "), start.out());
        rememberPids();
        awaitPartitions("node 2 back in every ISR", p -> p.isr().size() == 3);

        List<String> expected = new ArrayList<>(before);
        expected.addAll(during);
        CliProcess.ToolRun consumed = tool("", "console-consumer", "--bootstrap-server", brokers, "--topic", TOPIC,
                "--from-beginning", "--max-messages", Integer.toString(expected.size()), "--timeout-ms", "20000");
        assertEquals(0, consumed.exitCode(), consumed.toString());
        assertEquals(expected.stream().sorted().toList(), consumed.stdout().lines().sorted().toList(),
                consumed.toString());

        CliProcess.Run down = CliProcess.kraftlet(TIMEOUT, "cluster", "down", "--dir", dir.toString());
        assertEquals(0, down.exitCode(), down.out());
        assertTrue(down.out().trim().endsWith("is down"), down.out());
        assertFalse(down.out().contains("Killed"), "every node stopped by itself on SIGTERM: " + down.out());
        for (long pid : pidsSeen) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " still runs");
        }
    }

    private void awaitPartitions(String what, Predicate<ControllerApi.PartitionDescription> condition) {
        Poll.until(what, TIMEOUT, () -> "see the logs under " + dir, () -> {
            try {
                return controller.describeTopics(List.of(TOPIC)).join().topics().get(0).partitions().stream()
                        .allMatch(condition);
            } catch (CompletionException unanswered) {
                return false; // the controller it asked was just killed; the next try fails over
            }
        });
    }

    private void rememberPids() {
        ClusterState.load(dir).ifPresent(state -> state.nodes().forEach(entry -> entry.process()
                .ifPresent(process -> pidsSeen.add(process.pid()))));
    }

    private CliProcess.ToolRun tool(String stdin, String... args) {
        return CliProcess.tool(dir, TIMEOUT, stdin, args);
    }

    private static String addresses(int firstPort) {
        return IntStream.range(0, NODES).mapToObj(i -> "127.0.0.1:" + (firstPort + i)).collect(Collectors.joining(","));
    }

    private static List<String> lines(String prefix, int count) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> prefix + "-" + i).toList();
    }
}
