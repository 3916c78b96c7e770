package io.kraftlet.examples.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.controller.ApiError;
import io.kraftlet.controller.ControllerApi.ElectionResult;
import io.kraftlet.controller.ControllerError;
import io.kraftlet.controller.ElectionType;
import io.kraftlet.examples.KraftletCli;
import io.kraftlet.metadata.TopicPartition;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The admin tools in-process, without a cluster: help, option errors (exit 2, one line), an
 * unreachable bootstrap server (exit 1, one line naming it), and the leader-election report.
 */
class AdminCommandsTest {
    private static final String SERVER = "127.0.0.1:9";

    record Result(int exitCode, String out, String err) {
        String describe() {
            return "exit " + exitCode + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = KraftletCli.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(args);
        return new Result(exitCode, out.toString(), err.toString());
    }

    private static void assertOneLineError(Result result, int exitCode, String... fragments) {
        assertEquals(exitCode, result.exitCode(), result.describe());
        assertEquals(1, result.err().lines().count(), result.describe());
        assertTrue(result.err().startsWith("error: "), result.describe());
        for (String fragment : fragments) {
            assertTrue(result.err().contains(fragment), "missing '" + fragment + "' in " + result.describe());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"topics", "leader-election", "zk-shell"})
    void everyToolHasHelpNamingItsOptions(String tool) {
        Result result = run(tool, "--help");

        assertEquals(0, result.exitCode(), result.describe());
        assertTrue(result.out().contains("Usage: kraftlet " + tool) && result.out().contains("--bootstrap-server"),
                result.describe());
    }

    @Test
    void topicsRefusesBadCommandLinesInOneLine() {
        assertOneLineError(run("topics", "--bootstrap-server", SERVER), 2, "exactly one action");
        assertOneLineError(run("topics", "--bootstrap-server", SERVER, "--list", "--describe"), 2, "exactly one action");
        assertOneLineError(run("topics", "--list"), 2, "'--bootstrap-server'");
        assertOneLineError(run("topics", "--bootstrap-server", "no-port", "--list"), 2, "--bootstrap-server",
                "host:port");
        assertOneLineError(run("topics", "--bootstrap-server", SERVER, "--create", "--partitions", "1"), 2,
                "Missing required argument \"[topic]\"");
        assertOneLineError(run("topics", "--bootstrap-server", SERVER, "--create", "--topic", "t", "--partitions", "0"),
                2, "The partitions must be greater than 0");
        assertOneLineError(run("topics", "--bootstrap-server", SERVER, "--create", "--topic", "t",
                "--replication-factor", "0"), 2, "The replication factor must be between 1 and 32767");
        assertOneLineError(run("topics", "--bootstrap-server", SERVER, "--create", "--topic", "t", "--partitions",
                "three"), 2, "--partitions", "three");
        assertOneLineError(run("topics", "--bootstrap-server", SERVER, "--create", "--topic", "t", "--config",
                "retention.ms=1"), 2, "unknown configuration retention.ms");
        assertOneLineError(run("topics", "--bootstrap-server", SERVER, "--create", "--topic", "t", "--config",
                "min.insync.replicas=0"), 2, "min.insync.replicas must be an integer >= 1");
        assertOneLineError(run("topics", "--bootstrap-server", SERVER, "--create", "--topic", "t", "--config",
                "novalue"), 2, "key=val");
        assertOneLineError(run("topics", "--bootstrap-server", SERVER, "--alter", "--topic", "t"), 2,
                "--config or --delete-config");
        assertOneLineError(run("topics", "--bootstrap-server", SERVER, "--alter", "--topic", "t", "--partitions", "6"),
                2, "cannot add partitions");
        assertOneLineError(run("topics", "--bootstrap-server", SERVER, "--list", "--under-replicated-partitions"), 2,
                "only valid with --describe");
        assertOneLineError(run("topics", "--bootstrap-server", SERVER, "--describe", "--under-replicated-partitions",
                "--unavailable-partitions"), 2, "Only one of");
        assertOneLineError(run("topics", "--bootstrap-server", SERVER, "--list", "--zookeeper", "z:2181"), 2,
                "--zookeeper");
    }

    @Test
    void leaderElectionAndZkShellRefuseBadCommandLinesInOneLine() {
        assertOneLineError(run("leader-election", "--bootstrap-server", SERVER, "--all-topic-partitions"), 2,
                "--election-type");
        assertOneLineError(run("leader-election", "--bootstrap-server", SERVER, "--election-type", "random",
                "--all-topic-partitions"), 2, "preferred or unclean");
        assertOneLineError(run("leader-election", "--bootstrap-server", SERVER, "--election-type", "preferred"), 2,
                "One and only one");
        assertOneLineError(run("leader-election", "--bootstrap-server", SERVER, "--election-type", "preferred",
                "--all-topic-partitions", "--topic", "t", "--partition", "0"), 2, "One and only one");
        assertOneLineError(run("leader-election", "--bootstrap-server", SERVER, "--election-type", "preferred",
                "--topic", "t"), 2, "--topic and --partition");
        assertOneLineError(run("zk-shell", "--bootstrap-server", SERVER, "set", "/controller"), 2, "get or ls");
        assertOneLineError(run("zk-shell", "--bootstrap-server", SERVER, "get", "controller"), 2, "start with /");
        assertOneLineError(run("zk-shell", "--bootstrap-server", SERVER, "get"), 2, "PATH");
    }

    @Test
    void noReachableBootstrapServerIsOneLineNamingEveryServer() throws IOException {
        String first = "127.0.0.1:" + freePort();
        String second = "127.0.0.1:" + freePort();

        assertOneLineError(run("topics", "--bootstrap-server", first + "," + second, "--timeout-ms", "1000", "--list"), 1,
                "no bootstrap server answered within 1000 ms", first, second);
        assertOneLineError(run("zk-shell", "--bootstrap-server", first, "--timeout-ms", "500", "ls", "/brokers/ids"), 1,
                "no bootstrap server answered", first);
        assertOneLineError(run("metadata-quorum", "--bootstrap-server", first, "--timeout-ms", "500", "describe",
                "--status"), 1, "no bootstrap server answered", first);
    }

    @Test
    void electionReportGroupsPartitionsAsKafkaDoes() {
        List<ElectionResult> results = List.of(
                new ElectionResult(new TopicPartition("a", 0), ApiError.NONE, 1),
                new ElectionResult(new TopicPartition("a", 1), ApiError.NONE, 2),
                new ElectionResult(new TopicPartition("b", 0), ApiError.of(ControllerError.ELECTION_NOT_NEEDED, ""), 3),
                new ElectionResult(new TopicPartition("c", 0),
                        ApiError.of(ControllerError.PREFERRED_LEADER_NOT_AVAILABLE, "c-0: preferred replica 1 is not alive"),
                        2));

        assertEquals("Successfully completed leader election (PREFERRED) for partitions a-0, a-1\n"
                + "Valid replica already elected for partitions b-0\n"
                + "Error completing leader election (PREFERRED) for partition: c-0: PREFERRED_LEADER_NOT_AVAILABLE:"
                + " c-0: preferred replica 1 is not alive\n",
                LeaderElectionCommand.format(ElectionType.PREFERRED, results));
        assertEquals("", LeaderElectionCommand.format(ElectionType.UNCLEAN, List.of()));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
