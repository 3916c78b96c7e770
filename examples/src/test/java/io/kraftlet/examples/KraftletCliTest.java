package io.kraftlet.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.log.MetaProperties;
import io.kraftlet.quorum.MetadataQuorum;
import io.kraftlet.raft.RaftConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The command line in-process: exit codes, one-line errors, format, and describe against a one-voter quorum. */
class KraftletCliTest {
    @TempDir
    Path tmp;

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
    @ValueSource(strings = {"", "format", "random-uuid", "node", "metadata-quorum", "metadata-quorum describe"})
    void everyCommandHasHelp(String command) {
        String[] args = (command + " --help").trim().split(" ");

        Result result = run(args);

        assertEquals(0, result.exitCode(), result.describe());
        assertTrue(result.out().startsWith("Usage: kraftlet"), result.describe());
    }

    @Test
    void anUnknownOptionIsOneLineAndExitCode2() {
        assertOneLineError(run("format", "--frobnicate"), 2, "Unknown option: '--frobnicate'", "kraftlet format --help");
        assertOneLineError(run("frobnicate"), 2, "'frobnicate'");
        assertOneLineError(run(), 2, "missing command");
    }

    @Test
    void randomUuidPrintsA22CharacterBase64UrlId() {
        Result result = run("random-uuid");

        assertEquals(0, result.exitCode());
        assertTrue(result.out().trim().matches("[A-Za-z0-9_-]{22}"), result.out());
    }

    @Test
    void formatWritesMetaPropertiesOnceAndIgnoreFormattedChecksTheIdentity() {
        Path dir = tmp.resolve("node-1");

        Result formatted = run("format", "--cluster-id", "cluster-a", "--node-id", "1", "--dir", dir.toString());

        assertEquals(0, formatted.exitCode(), formatted.describe());
        assertEquals("cluster-a", MetaProperties.load(dir).clusterId());
        assertOneLineError(run("format", "-t", "cluster-a", "--node-id", "1", "--dir", dir.toString()), 1,
                "already exists");
        assertEquals(0, run("format", "-g", "-t", "cluster-a", "--node-id", "1", "--dir", dir.toString()).exitCode());
        assertOneLineError(run("format", "-g", "-t", "cluster-b", "--node-id", "1", "--dir", dir.toString()), 1,
                "cluster-a", "cluster-b");
    }

    @Test
    void formatReadsTheNodeFromTheConfigAndRefusesContradictions() throws IOException {
        Path config = writeConfig("node.id=2\nprocess.roles=controller\ncontroller.quorum.voters=2@127.0.0.1:9093\n"
                + "metadata.log.dir=" + tmp.resolve("node-2") + "\ncluster.id=cluster-a\n");

        assertOneLineError(run("format", "-t", "cluster-b", "-c", config.toString()), 2, "contradicts cluster.id");
        assertEquals(0, run("format", "-c", config.toString()).exitCode());
        assertEquals(2, MetaProperties.load(tmp.resolve("node-2")).nodeId());
        assertOneLineError(run("format", "--node-id", "1"), 2, "--cluster-id is required");
    }

    @Test
    void nodeRefusesBadConfigurationAndUnformattedDirectoriesInOneLine() throws IOException {
        String base = "node.id=1\nprocess.roles=controller\ncontroller.quorum.voters=1@127.0.0.1:9093\n"
                + "metadata.log.dir=" + tmp.resolve("unformatted") + "\n";

        assertOneLineError(run("node", "-c", writeConfig(base + "log.retention.hours=1\n").toString()), 1,
                "log.retention.hours: unknown configuration key");
        assertOneLineError(run("node", "-c", writeConfig(base + "process.roles=broker,controller\n").toString()), 1,
                "listeners: is required for a combined node");
        assertOneLineError(run("node", "-c", writeConfig(base).toString(), "--override", "node.id=x"), 1,
                "node.id: 'x' is not an integer");
        assertOneLineError(run("node", "-c", writeConfig(base).toString()), 1, "is not formatted");
        assertOneLineError(run("node", "-c", tmp.resolve("missing.properties").toString()), 1, "does not exist");
    }

    @Test
    void describeAsksTheLeaderAndPrintsKafkasLayouts() throws Exception {
        int port = freePort();
        Path dir = tmp.resolve("voter");
        MetadataQuorum.format(dir, "cluster-a", 1);
        RaftConfig fast = new RaftConfig(100, 400, 100, 10, 5, 1000, 100, 1 << 20, 1 << 20, 8 << 20, 1 << 20, 100, 64);
        try (MetadataQuorum quorum = MetadataQuorum.builder().nodeId(1).clusterId("cluster-a")
                .voters("1@127.0.0.1:" + port).dataDir(dir).config(fast).build()) {
            quorum.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (quorum.describe().get(5, TimeUnit.SECONDS).leaderId() != 1) {
                assertTrue(System.nanoTime() < deadline, "no leader within 20 s");
                LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
            }
            String controllers = "127.0.0.1:" + freePort() + ",127.0.0.1:" + port;

            Result status = run("metadata-quorum", "--bootstrap-controller", controllers, "--cluster-id", "cluster-a",
                    "describe", "--status");
            Result replication = run("metadata-quorum", "--bootstrap-controller", controllers, "--cluster-id",
                    "cluster-a", "describe", "--replication");

            assertEquals(0, status.exitCode(), status.describe());
            assertTrue(status.out().contains("ClusterId:              cluster-a\nLeaderId:               1\n"),
                    status.describe());
            assertTrue(status.out().contains("CurrentVoters:          [{\"id\": 1}]"), status.describe());
            assertEquals(0, replication.exitCode(), replication.describe());
            assertTrue(replication.out().startsWith("NodeId\tLogEndOffset\tLag\t"), replication.describe());
            assertTrue(replication.out().lines().skip(1).findFirst().orElseThrow().startsWith("1     \t"),
                    replication.describe());
            assertOneLineError(run("metadata-quorum", "--bootstrap-controller", "127.0.0.1:" + port, "--cluster-id",
                    "cluster-b", "describe", "--status"), 1, "belongs to another cluster");
            assertOneLineError(run("metadata-quorum", "--bootstrap-controller", "127.0.0.1:" + port, "--cluster-id",
                    "cluster-a", "describe", "--status", "--replication"), 2, "Only one of --status or --replication");
        }
    }

    @Test
    void describeWithNoControllerReachableSaysWhy() throws IOException {
        String controller = "127.0.0.1:" + freePort();

        assertOneLineError(run("metadata-quorum", "--bootstrap-controller", controller, "--cluster-id", "c",
                "--timeout-ms", "2000", "describe", "--status"), 1, controller + " did not answer");
    }

    private Path writeConfig(String text) throws IOException {
        return Files.writeString(Files.createTempFile(tmp, "node", ".properties"), text);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
