package io.kraftlet.examples.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.controller.ControllerApi;
import io.kraftlet.transport.grpc.ControllerClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three combined nodes ({@code process.roles=broker,controller}), each one {@code kraftlet node}
 * process with a {@code CONTROLLER} listener for the quorum and a {@code PLAINTEXT} listener for
 * its broker, as Kafka runs small clusters. The tools work against them: {@code topics} and
 * {@code console-producer}/{@code console-consumer} over the broker listeners,
 * {@code metadata-quorum} over the controller listeners. A node is SIGKILLed: the quorum keeps
 * a leader, its replicas leave the ISRs, and acks=all goes on with min.insync.replicas=2; it
 * restarts, rejoins every ISR, and every acknowledged line is consumed.
 */
class CombinedModeProcessIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(45);
    private static final String TOPIC = "combined-p3r3";
    private static final List<Integer> NODES = List.of(1, 2, 3);

    private ProcessCluster cluster;
    private ControllerClient controller;

    @AfterEach
    void stopEverything() {
        if (controller != null) {
            controller.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void threeCombinedNodesServeTheToolsAndSurviveAKilledNode() {
        cluster = new ProcessCluster("combined", NODES, Map.of(
                "broker.session.timeout.ms", "3000",
                "broker.heartbeat.interval.ms", "300",
                "replica.fetch.backoff.ms", "100"));
        List<NodeProcess> nodes = new ArrayList<>();
        NODES.forEach(id -> nodes.add(cluster.addCombined(id, Map.of())));
        cluster.startAll(nodes);
        NODES.forEach(id -> cluster.node(id).awaitUnfenced(TIMEOUT));
        String brokers = NODES.stream().map(id -> "127.0.0.1:" + cluster.brokerPort(id))
                .collect(Collectors.joining(","));
        String controllers = NODES.stream().map(id -> cluster.node(id).address()).collect(Collectors.joining(","));
        controller = ControllerClient.builder().clusterId(cluster.clusterId).controllers(cluster.voters)
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
        CliProcess.ToolRun status = tool("", "metadata-quorum", "--bootstrap-controller", controllers, "describe",
                "--status");
        assertEquals(0, status.exitCode(), status.toString());
        assertTrue(status.stdout().startsWith("ClusterId:              " + cluster.clusterId + "\n"), status.toString());

        List<String> before = lines("before", 9);
        CliProcess.ToolRun produced = tool(String.join("\n", before) + "\n", "console-producer", "--bootstrap-server",
                brokers, "--topic", TOPIC, "--acks", "all");
        assertEquals(0, produced.exitCode(), produced.toString());

        // SIGKILL node 2: a controller and a broker gone at once.
        cluster.node(2).kill();
        awaitPartitions("node 2 leads nothing and is in no ISR", p -> p.leader() != 2 && !p.isr().contains(2));
        List<String> during = lines("during", 6);
        CliProcess.ToolRun producedDuring = tool(String.join("\n", during) + "\n", "console-producer",
                "--bootstrap-server", brokers, "--topic", TOPIC, "--acks", "all");
        assertEquals(0, producedDuring.exitCode(), "acks=all with two of three replicas: " + producedDuring);

        cluster.node(2).start();
        cluster.node(2).awaitUnfenced(TIMEOUT);
        awaitPartitions("node 2 back in every ISR", p -> p.isr().size() == 3);

        List<String> expected = new ArrayList<>(before);
        expected.addAll(during);
        CliProcess.ToolRun consumed = tool("", "console-consumer", "--bootstrap-server", brokers, "--topic", TOPIC,
                "--from-beginning", "--max-messages", Integer.toString(expected.size()), "--timeout-ms", "20000");
        assertEquals(0, consumed.exitCode(), consumed.toString());
        assertEquals(expected.stream().sorted().toList(), consumed.stdout().lines().sorted().toList(),
                consumed.toString());
    }

    private void awaitPartitions(String what, Predicate<ControllerApi.PartitionDescription> condition) {
        Poll.until(what, TIMEOUT, cluster::diagnostics, () -> {
            try {
                return controller.describeTopics(List.of(TOPIC)).join().topics().get(0).partitions().stream()
                        .allMatch(condition);
            } catch (CompletionException unanswered) {
                return false; // the controller it asked was just killed; the next try fails over
            }
        });
    }

    private CliProcess.ToolRun tool(String stdin, String... args) {
        return CliProcess.tool(cluster.home, TIMEOUT, stdin, args);
    }

    private static List<String> lines(String prefix, int count) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> prefix + "-" + i).toList();
    }
}
