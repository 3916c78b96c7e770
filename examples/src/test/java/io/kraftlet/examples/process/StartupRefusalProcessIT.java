package io.kraftlet.examples.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.examples.KraftletCli;
import io.kraftlet.raft.QuorumDescription;
import io.kraftlet.raft.QuorumDescription.ReplicaDescription;
import io.kraftlet.transport.grpc.TestCertificates;
import io.kraftlet.transport.grpc.TlsSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Nodes that must not start or must not join: a controller given another cluster's directory or a
 * busy port, an example node with an untrusted certificate.
 */
class StartupRefusalProcessIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(40);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);

    private ProcessCluster cluster;

    @AfterEach
    void killEveryNode() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aNodeConfiguredForAnotherClusterExitsNamingBothIds() {
        cluster = new ProcessCluster("wrong-cluster-id", 1, Map.of());
        NodeProcess node = cluster.addNode(1, Map.of("cluster.id", "some-other-cluster"));

        node.startProcess();

        assertNotEquals(0, node.awaitExit(EXIT_TIMEOUT));
        String stderr = node.stderrText();
        assertTrue(stderr.contains("error: ") && stderr.contains(cluster.clusterId)
                && stderr.contains("some-other-cluster"), stderr);
        assertEquals(1, stderr.lines().filter(line -> line.startsWith("error: ")).count(), stderr);
    }

    @Test
    void aNodeWhosePortIsInUseExitsSayingSo() throws IOException {
        cluster = new ProcessCluster("port-in-use", 1, Map.of());
        NodeProcess node = cluster.addNode(1, Map.of());

        try (ServerSocket taken = new ServerSocket(node.port, 1, InetAddress.getLoopbackAddress())) {
            node.startProcess();
            assertNotEquals(0, node.awaitExit(EXIT_TIMEOUT));
        }
        String stderr = node.stderrText();
        assertTrue(stderr.contains("error: node 1 cannot listen on 127.0.0.1:" + node.port), stderr);
    }

    @Test
    void aTlsQuorumRefusesANodeWhoseCertificateItDoesNotTrust() throws Exception {
        cluster = new ProcessCluster("tls-untrusted", 3, Map.of("kraftlet.example.state.machine", "true",
                "kraftlet.example.append.records.per.second", "50"));
        Path certificates = cluster.home.resolve("certificates");
        TestCertificates authority = TestCertificates.newAuthority(certificates, "quorum-ca");
        TestCertificates stranger = TestCertificates.newAuthority(certificates, "stranger-ca");
        Path trust = authority.trustFile();
        NodeProcess node1 = cluster.addNode(1, tls(authority.issue(certificates, "node-1").tls(trust)));
        NodeProcess node2 = cluster.addNode(2, tls(authority.issue(certificates, "node-2").tls(trust)));
        // Node 3 trusts the quorum's authority, but its own certificate comes from another one.
        NodeProcess node3 = cluster.addNode(3, tls(stranger.issue(certificates, "node-3").tls(trust)));
        TlsSettings client = authority.issue(certificates, "admin").tls(trust);
        cluster.clientTls(client);
        List<NodeProcess> voters = List.of(node1, node2, node3);
        cluster.startAll(voters);

        int leaderId = cluster.awaitLeader("a leader among the trusted nodes", TIMEOUT, voters, id -> id == 1 || id == 2)
                .description().leaderId();
        NodeProcess leader = cluster.node(leaderId);
        Poll.until("the trusted nodes to commit 100 records", TIMEOUT, cluster::diagnostics,
                () -> node1.lastCommitted() >= 100 && node2.lastCommitted() >= 100);

        QuorumDescription description = cluster.describe(List.of(leader)).orElseThrow().description();
        ReplicaDescription untrusted = description.voters().stream().filter(voter -> voter.replicaId() == 3)
                .findFirst().orElseThrow();
        assertEquals(-1, untrusted.lastFetchTimestampMs(), "the leader never saw node 3 fetch: " + description);
        assertEquals(-1, untrusted.logEndOffset(), description.toString());
        assertTrue(node3.isAlive() && node3.committed().isEmpty(), node3.diagnostics());

        Path commandConfig = Files.writeString(cluster.home.resolve("client.properties"), tlsText(client));
        String bootstrap = node1.address() + "," + node2.address() + "," + node3.address();
        String[] describe = {"metadata-quorum", "--bootstrap-controller", bootstrap, "--cluster-id", cluster.clusterId,
            "--command-config", commandConfig.toString(), "describe", "--replication"};
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = KraftletCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        assertEquals(0, cli.execute(describe), err.toString());
        assertTrue(out.toString().lines().anyMatch(line -> line.matches("3\\s+\\t-1\\s+\\t-1\\s+\\t-1\\s+\\t-1\\s+\\tFollower\\s*\\t")),
                out.toString());
    }

    private static Map<String, String> tls(TlsSettings tls) {
        Map<String, String> keys = new HashMap<>();
        keys.put("ssl.certificate.file", tls.certificateChainFile().toString());
        keys.put("ssl.key.file", tls.privateKeyFile().toString());
        keys.put("ssl.truststore.file", tls.trustCertificatesFile().toString());
        return keys;
    }

    private static String tlsText(TlsSettings tls) {
        StringBuilder text = new StringBuilder();
        tls(tls).forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        return text.toString();
    }
}
