package io.kraftlet.examples.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The admin tools ({@code topics}, {@code zk-shell}, {@code leader-election},
 * {@code metadata-quorum}), each run as its own process from the shaded jar, against controllers
 * 101-103 and brokers 1-3, also processes. The tools are given only broker addresses (the first
 * of them dead, to be skipped) and no cluster id. Checks the output line by line and the JSON of
 * the ZooKeeper-shaped view, and that each error is one line with a non-zero exit.
 */
class AdminToolsProcessIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(30);
    private static final String TOPIC = "topic-p3r3";
    private static final List<Integer> CONTROLLERS = List.of(101, 102, 103);
    private static final List<Integer> BROKERS = List.of(1, 2, 3);
    /** The command line with the admin tools registered; the same as KraftletCli once it lists them. */
    private static final String MAIN_CLASS = "io.kraftlet.examples.KraftletCli";
    private static final List<String> JVM_OPTIONS = List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-XX:-UsePerfData");

    private ProcessCluster cluster;
    private int toolRuns;

    /** One finished tool process. */
    record Result(int exitCode, String out, String err, String command) {
        String describe() {
            return command + "\nexit " + exitCode + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    @AfterEach
    void killEveryNode() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void toolsAnswerAsKafkasAndZooKeepersDidThroughAnyBroker() {
        cluster = new ProcessCluster("admin-tools", CONTROLLERS, Map.of(
                "broker.session.timeout.ms", "3000",
                "broker.heartbeat.interval.ms", "300",
                "auto.leader.rebalance.enable", "false"));
        List<NodeProcess> nodes = new ArrayList<>();
        CONTROLLERS.forEach(id -> nodes.add(cluster.addNode(id, Map.of())));
        BROKERS.forEach(id -> nodes.add(cluster.addBroker(id, Map.of())));
        cluster.startAll(nodes);
        BROKERS.forEach(id -> cluster.node(id).awaitUnfenced(TIMEOUT));
        String dead = "127.0.0.1:" + ProcessCluster.freePorts(1).get(0);
        String brokers = dead + "," + BROKERS.stream().map(id -> cluster.node(id).address())
                .collect(Collectors.joining(","));

        Result created = tool("topics", "--bootstrap-server", brokers, "--create", "--topic", TOPIC, "--partitions", "3",
                "--replication-factor", "3", "--config", "min.insync.replicas=2");
        assertSuccess(created, "Created topic " + TOPIC + ".\n");
        List<Result> listAndDescribe = tools(new String[] {"topics", "--bootstrap-server", brokers, "--list"},
                describeArgs(brokers));
        assertTrue(listAndDescribe.get(0).out().lines().anyMatch(TOPIC::equals), listAndDescribe.get(0).describe());

        List<Partition> partitions = parseDescribe(listAndDescribe.get(1), "Configs: min.insync.replicas=2");
        assertEquals(3, partitions.size(), partitions.toString());
        for (Partition partition : partitions) {
            assertEquals(Set.of(1, 2, 3), new HashSet<>(partition.replicas()), partition.toString());
            assertEquals(Set.copyOf(partition.replicas()), Set.copyOf(partition.isr()), partition.toString());
            assertTrue(partition.isr().contains(partition.leader()), partition.toString());
        }

        zkShellShowsTheOldPaths(brokers, partitions.get(0));
        preferredElectionLeavesEveryPartitionWithItsPreferredLeader(brokers);
        alterChangesTheTopicsConfigs(brokers);
        metadataQuorumAndErrors(brokers);

        assertSuccess(tool("topics", "--bootstrap-server", brokers, "--delete", "--topic", TOPIC), "");
        Poll.until(TOPIC + " to leave the list", TIMEOUT, cluster::diagnostics,
                () -> tool("topics", "--bootstrap-server", brokers, "--list").out().lines().noneMatch(TOPIC::equals));
        assertOneLineError(tool("topics", "--bootstrap-server", brokers, "--delete", "--topic", TOPIC), 1,
                "Topic '" + TOPIC + "' does not exist as expected");
    }

    private void zkShellShowsTheOldPaths(String brokers, Partition first) {
        List<Result> results = tools(new String[] {"zk-shell", "--bootstrap-server", brokers, "get", "/controller"},
                new String[] {"zk-shell", "--bootstrap-server", brokers, "ls", "/brokers/ids"},
                new String[] {"zk-shell", "--bootstrap-server", brokers, "get",
                    "/brokers/topics/" + TOPIC + "/partitions/0/state"},
                new String[] {"zk-shell", "--bootstrap-server", brokers, "get", "/brokers/topics/no-such-topic"});
        Result controller = results.get(0);
        assertEquals(0, controller.exitCode(), controller.describe());
        assertEquals(1, controller.out().lines().count(), controller.describe());
        JsonObject controllerJson = JsonParser.parseString(controller.out().trim()).getAsJsonObject();
        assertEquals(1, controllerJson.get("version").getAsInt(), controller.describe());
        assertTrue(CONTROLLERS.contains(controllerJson.get("brokerid").getAsInt()), controller.describe());

        assertSuccess(results.get(1), "[1, 2, 3]\n");

        Result state = results.get(2);
        assertEquals(0, state.exitCode(), state.describe());
        JsonObject stateJson = JsonParser.parseString(state.out().trim()).getAsJsonObject();
        assertEquals(1, stateJson.get("version").getAsInt(), state.describe());
        assertEquals(first.leader(), stateJson.get("leader").getAsInt(), state.describe());
        assertTrue(stateJson.get("leader_epoch").getAsInt() >= 0, state.describe());
        assertTrue(stateJson.get("controller_epoch").getAsInt() > 0, state.describe());
        assertEquals(Set.copyOf(first.isr()), ints(stateJson.getAsJsonArray("isr")), state.describe());

        assertOneLineError(results.get(3), 1, "Node does not exist: /brokers/topics/no-such-topic");
    }

    private void preferredElectionLeavesEveryPartitionWithItsPreferredLeader(String brokers) {
        Result all = tool("leader-election", "--bootstrap-server", brokers, "--election-type", "preferred",
                "--all-topic-partitions");
        assertEquals(0, all.exitCode(), all.describe());
        assertTrue(all.out().lines().allMatch(line -> line.startsWith(
                "Successfully completed leader election (PREFERRED) for partitions ")
                || line.startsWith("Valid replica already elected for partitions ")), all.describe());

        List<Result> results = tools(describeArgs(brokers),
                new String[] {"leader-election", "--bootstrap-server", brokers, "--election-type", "PREFERRED",
                    "--topic", TOPIC, "--partition", "0"},
                new String[] {"leader-election", "--bootstrap-server", brokers, "--election-type", "unclean",
                    "--topic", TOPIC, "--partition", "7"});
        for (Partition partition : parseDescribe(results.get(0), "Configs: min.insync.replicas=2")) {
            assertEquals(partition.replicas().get(0), partition.leader(), partition.toString());
        }
        assertSuccess(results.get(1), "Valid replica already elected for partitions " + TOPIC + "-0\n");
        Result missing = results.get(2);
        assertOneLineError(missing, 1, "1 replica(s) could not be elected");
        assertTrue(missing.out().startsWith("Error completing leader election (UNCLEAN) for partition: " + TOPIC + "-7: "
                + "UNKNOWN_TOPIC_OR_PARTITION"), missing.describe());
    }

    private void alterChangesTheTopicsConfigs(String brokers) {
        assertSuccess(tool("topics", "--bootstrap-server", brokers, "--alter", "--topic", TOPIC, "--config",
                "unclean.leader.election.enable=true"), "Completed updating config for topic " + TOPIC + ".\n");
        Poll.until("the new configuration in --describe", TIMEOUT, cluster::diagnostics, () -> tool("topics",
                "--bootstrap-server", brokers, "--describe", "--topic", TOPIC).out().lines().findFirst().orElse("")
                .endsWith("\tConfigs: min.insync.replicas=2,unclean.leader.election.enable=true"));
    }

    /** metadata-quorum without a cluster id, and every error case, all at once: they are independent. */
    private void metadataQuorumAndErrors(String brokers) {
        String controllers = CONTROLLERS.stream().map(id -> cluster.node(id).address()).collect(Collectors.joining(","));
        String unreachable = "127.0.0.1:" + ProcessCluster.freePorts(1).get(0);
        List<Result> results = tools(
                new String[] {"metadata-quorum", "--bootstrap-server", brokers, "describe", "--status"},
                new String[] {"metadata-quorum", "--bootstrap-controller", controllers, "describe", "--replication"},
                new String[] {"topics", "--bootstrap-server", unreachable, "--timeout-ms", "1000", "--list"},
                new String[] {"topics", "--bootstrap-server", brokers, "--describe", "--topic", "no-such-topic"},
                new String[] {"topics", "--bootstrap-server", brokers, "--create", "--topic", "t", "--partitions", "0",
                    "--replication-factor", "3"},
                new String[] {"topics", "--bootstrap-server", brokers, "--create", "--topic", "t", "--partitions", "1",
                    "--replication-factor", "4"},
                new String[] {"topics", "--bootstrap-server", brokers, "--list", "--zookeeper", "127.0.0.1:2181"},
                new String[] {"topics", "--bootstrap-server", brokers, "--alter", "--topic", TOPIC, "--config",
                    "retention.ms=1000"});
        Result status = results.get(0);
        assertEquals(0, status.exitCode(), status.describe());
        assertTrue(status.out().startsWith("ClusterId:              " + cluster.clusterId + "\n"), status.describe());
        Result replication = results.get(1);
        assertEquals(0, replication.exitCode(), replication.describe());
        assertTrue(replication.out().startsWith("NodeId\tLogEndOffset\tLag\t"), replication.describe());

        assertOneLineError(results.get(2), 1, "no bootstrap server answered within 1000 ms: " + unreachable);
        assertOneLineError(results.get(3), 1, "Topic 'no-such-topic' does not exist as expected");
        assertOneLineError(results.get(4), 2, "The partitions must be greater than 0");
        assertOneLineError(results.get(5), 1, "cannot create topic t", "INVALID_REPLICATION_FACTOR");
        assertOneLineError(results.get(6), 2, "Unknown option", "--zookeeper");
        assertOneLineError(results.get(7), 2, "unknown configuration retention.ms");
    }

    private static String[] describeArgs(String brokers) {
        return new String[] {"topics", "--bootstrap-server", brokers, "--describe", "--topic", TOPIC};
    }

    /** Checks the topic line of {@code topics --describe --topic TOPIC} and returns its partition lines, parsed. */
    private static List<Partition> parseDescribe(Result described, String configsColumn) {
        assertEquals(0, described.exitCode(), described.describe());
        List<String> lines = described.out().lines().toList();
        String[] header = lines.get(0).split("\t", -1);
        assertEquals(5, header.length, described.describe());
        assertEquals("Topic: " + TOPIC, header[0], described.describe());
        assertTrue(header[1].matches("TopicId: [A-Za-z0-9_-]{22}"), described.describe());
        assertEquals("PartitionCount: 3", header[2], described.describe());
        assertEquals("ReplicationFactor: 3", header[3], described.describe());
        assertEquals(configsColumn, header[4], described.describe());
        List<Partition> partitions = new ArrayList<>();
        for (int p = 0; p < lines.size() - 1; p++) {
            partitions.add(Partition.parse(lines.get(p + 1), p, described.describe()));
        }
        return partitions;
    }

    /** One parsed {@code <TAB>Topic: ...<TAB>Partition: ...} line of {@code --describe}. */
    record Partition(int partition, int leader, List<Integer> replicas, List<Integer> isr, List<Integer> elr,
            List<Integer> lastKnownElr) {
        static Partition parse(String line, int expectedPartition, String context) {
            String[] fields = line.split("\t", -1);
            assertEquals(8, fields.length, context);
            assertEquals("", fields[0], context);
            assertEquals("Topic: " + TOPIC, fields[1], context);
            assertEquals("Partition: " + expectedPartition, fields[2], context);
            String leader = value(fields[3], "Leader", context);
            return new Partition(expectedPartition, leader.equals("none") ? -1 : Integer.parseInt(leader),
                    ids(value(fields[4], "Replicas", context)), ids(value(fields[5], "Isr", context)),
                    ids(value(fields[6], "Elr", context)), ids(value(fields[7], "LastKnownElr", context)));
        }

        private static String value(String field, String name, String context) {
            assertTrue(field.startsWith(name + ": "), name + " in " + context);
            return field.substring(name.length() + 2);
        }

        private static List<Integer> ids(String text) {
            return text.isEmpty() ? List.of()
                    : Arrays.stream(text.split(",")).map(Integer::parseInt).toList();
        }
    }

    private static Set<Integer> ints(JsonArray array) {
        Set<Integer> values = new HashSet<>();
        array.forEach(element -> values.add(element.getAsInt()));
        return values;
    }

    private static void assertSuccess(Result result, String expectedOut) {
        assertEquals(0, result.exitCode(), result.describe());
        assertEquals(expectedOut, result.out(), result.describe());
    }

    private static void assertOneLineError(Result result, int exitCode, String... fragments) {
        assertEquals(exitCode, result.exitCode(), result.describe());
        assertEquals(1, result.err().lines().count(), result.describe());
        assertTrue(result.err().startsWith("error: "), result.describe());
        for (String fragment : fragments) {
            assertTrue(result.err().contains(fragment), "missing '" + fragment + "' in " + result.describe());
        }
    }

    /** Runs one tool in its own JVM from the shaded jar, its output kept under the cluster's directory. */
    private Result tool(String... args) {
        return tools(args).get(0);
    }

    /** Runs independent tools side by side, each in its own JVM, and returns their results in order. */
    private List<Result> tools(String[]... commands) {
        List<Running> running = new ArrayList<>();
        for (String[] args : commands) {
            running.add(start(args));
        }
        List<Result> results = new ArrayList<>();
        for (Running tool : running) {
            results.add(tool.finish());
        }
        return results;
    }

    private Running start(String... args) {
        int run = ++toolRuns;
        Path dir = cluster.home.resolve("tools");
        Path out = dir.resolve(run + "-" + args[0] + ".out.txt");
        Path err = dir.resolve(run + "-" + args[0] + ".err.txt");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        command.add("-cp");
        command.add(NodeProcess.kraftletJar().toString());
        command.add(MAIN_CLASS);
        command.addAll(List.of(args));
        try {
            Files.createDirectories(dir);
            Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .start();
            return new Running(process, out, err, "kraftlet " + String.join(" ", args));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A started tool process and where its output goes. */
    private record Running(Process process, Path out, Path err, String command) {
        Result finish() {
            try {
                if (!process.waitFor(TOOL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError(command + " still runs after " + TOOL_TIMEOUT);
                }
                return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8), command);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
