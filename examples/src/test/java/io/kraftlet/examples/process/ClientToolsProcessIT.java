package io.kraftlet.examples.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.controller.ControllerApi;
import io.kraftlet.controller.ControllerError;
import io.kraftlet.transport.grpc.ControllerClient;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client tools as a user runs them: {@code bin/kraftlet console-producer} (lines on stdin),
 * {@code console-consumer --from-beginning --max-messages N} and {@code producer-perf}, each its
 * own JVM, against three controller and three broker processes, with a dead address first in
 * {@code --bootstrap-server}. Also the one-line errors for an unknown topic and for no reachable
 * server.
 */
class ClientToolsProcessIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String TOPIC = "tools-p3r3";
    private static final List<Integer> CONTROLLERS = List.of(101, 102, 103);
    private static final List<Integer> BROKERS = List.of(1, 2, 3);
    private static final String SUMMARY = "\\d+ records sent, [0-9.]+ records/sec \\([0-9.]+ MB/sec\\), [0-9.]+ ms avg"
            + " latency, [0-9.]+ ms max latency, \\d+ ms 50th, \\d+ ms 95th, \\d+ ms 99th, \\d+ ms 99\\.9th\\.";

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
    void consoleProducerConsumerAndProducerPerf() throws Exception {
        cluster = new ProcessCluster("client-tools", CONTROLLERS, Map.of(
                "broker.session.timeout.ms", "3000",
                "broker.heartbeat.interval.ms", "300",
                "replica.fetch.backoff.ms", "100"));
        List<NodeProcess> nodes = new ArrayList<>();
        CONTROLLERS.forEach(id -> nodes.add(cluster.addNode(id, Map.of())));
        BROKERS.forEach(id -> nodes.add(cluster.addBroker(id, Map.of())));
        cluster.startAll(nodes);
        BROKERS.forEach(id -> cluster.node(id).awaitUnfenced(TIMEOUT));
        controller = ControllerClient.builder().clusterId(cluster.clusterId).controllers(cluster.voters)
                .requestTimeoutMs(5000).build();
        ControllerApi.CreateTopicsReply created = controller.createTopics(new ControllerApi.CreateTopicsRequest(
                List.of(new ControllerApi.NewTopic(TOPIC, 3, 3, Map.of(), Map.of("min.insync.replicas", "2"))), false))
                .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        // A retried request (the first answer was late) finds the topic its first try created.
        ControllerError error = created.topics().get(0).error().error();
        assertTrue(error == ControllerError.NONE || error == ControllerError.TOPIC_ALREADY_EXISTS, created.toString());
        Poll.until("every partition of " + TOPIC + " led with a full ISR", TIMEOUT, cluster::diagnostics,
                () -> controller.describeTopics(List.of(TOPIC)).join().topics().get(0).partitions().stream()
                        .allMatch(p -> p.leader() >= 0 && p.isr().size() == 3));

        int deadPort = ProcessCluster.freePorts(1).get(0);
        String bootstrap = "127.0.0.1:" + deadPort + "," + BROKERS.stream()
                .map(id -> "127.0.0.1:" + cluster.node(id).port).collect(Collectors.joining(","));

        List<String> lines = IntStream.rangeClosed(1, 12).mapToObj(i -> "line-" + i).toList();
        CliProcess.ToolRun produced = run(String.join("\n", lines) + "\n", "console-producer", "--bootstrap-server", bootstrap,
                "--topic", TOPIC, "--acks", "all");
        assertEquals(0, produced.exitCode(), produced.toString());
        assertEquals("", produced.stdout(), produced.toString());

        CliProcess.ToolRun consumed = run("", "console-consumer", "--bootstrap-server", bootstrap, "--topic", TOPIC,
                "--from-beginning", "--max-messages", "12", "--timeout-ms", "20000");
        assertEquals(0, consumed.exitCode(), consumed.toString());
        assertEquals(lines.stream().sorted().toList(), consumed.stdout().lines().sorted().toList(), consumed.toString());
        assertTrue(consumed.stderr().contains("Processed a total of 12 messages"), consumed.toString());

        CliProcess.ToolRun perf = run("", "producer-perf", "--topic", TOPIC, "--num-records", "2000", "--record-size", "100",
                "--acks", "all", "--throughput", "-1", "--bootstrap-server", bootstrap, "--reporting-interval", "500");
        assertEquals(0, perf.exitCode(), perf.toString());
        List<String> perfLines = perf.stdout().lines().toList();
        assertTrue(perfLines.get(perfLines.size() - 1).matches(SUMMARY), perf.toString());
        assertTrue(perfLines.get(perfLines.size() - 1).startsWith("2000 records sent, "), perf.toString());
        for (String progress : perfLines.subList(0, perfLines.size() - 1)) {
            assertTrue(progress.matches("\\d+ records sent, [0-9.]+ records/sec \\([0-9.]+ MB/sec\\), [0-9.]+ ms avg"
                    + " latency, [0-9.]+ ms max latency\\."), perf.toString());
        }

        CliProcess.ToolRun unknownTopic = run("", "console-consumer", "--bootstrap-server", bootstrap, "--topic", "no-such-topic",
                "--from-beginning");
        assertEquals(1, unknownTopic.exitCode(), unknownTopic.toString());
        assertEquals("error: topic 'no-such-topic' does not exist (UNKNOWN_TOPIC_OR_PARTITION)",
                unknownTopic.stderr().strip(), unknownTopic.toString());

        CliProcess.ToolRun nobody = run("x\n", "console-producer", "--bootstrap-server", "127.0.0.1:" + deadPort, "--topic", TOPIC);
        assertEquals(1, nobody.exitCode(), nobody.toString());
        assertTrue(nobody.stderr().strip().startsWith("error: none of the bootstrap servers [127.0.0.1:" + deadPort
                + "] answered: 127.0.0.1:" + deadPort + ": UNAVAILABLE"), nobody.toString());
        assertEquals(1, nobody.stderr().strip().lines().count(), nobody.toString());
    }

    /** Runs {@code bin/kraftlet args} with {@code stdin}, waiting up to {@link #TIMEOUT} for it to exit. */
    private CliProcess.ToolRun run(String stdin, String... args) {
        return CliProcess.tool(cluster.home, TIMEOUT, stdin, args);
    }
}
