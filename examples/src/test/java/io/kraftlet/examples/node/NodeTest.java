package io.kraftlet.examples.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.examples.config.NodeConfig;
import io.kraftlet.examples.config.NodeConfigParser;
import io.kraftlet.controller.ControllerApi;
import io.kraftlet.controller.ControllerError;
import io.kraftlet.examples.client.FetchResult;
import io.kraftlet.examples.client.KraftletClient;
import io.kraftlet.quorum.MetadataQuorum;
import io.kraftlet.replication.ProduceResult;
import io.kraftlet.replication.ReplicationError;
import io.kraftlet.transport.grpc.ControllerClient;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code process.roles} picks the node; a controller, a broker and a combined node in this JVM over loopback. */
class NodeTest {
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String CLUSTER = "node-test";

    @TempDir
    Path dir;

    @Test
    void aControllerServesItsMetersAndABrokerAnnouncesItIsUnfenced() throws Exception {
        int port = freePort();
        String voters = "1@127.0.0.1:" + port;
        MetadataQuorum.format(dir.resolve("c1"), CLUSTER, 1);
        MetadataQuorum.format(dir.resolve("b2"), CLUSTER, 2);
        Map<String, String> controller = properties(1, "controller", voters, "c1");
        controller.put("metrics.port", "0");
        Map<String, String> broker = properties(2, "broker", voters, "b2");
        broker.put("listeners", "PLAINTEXT://127.0.0.1:19092");
        broker.put("broker.heartbeat.interval.ms", "200");
        broker.put("log.dirs", dir.resolve("b2-logs").toString());

        try (Node controllerNode = Node.start(NodeConfigParser.parse(controller));
                Node brokerNode = Node.start(NodeConfigParser.parse(broker))) {
            assertInstanceOf(ControllerNode.class, controllerNode);
            assertInstanceOf(BrokerNode.class, brokerNode);
            assertEquals("node 1 listening on 127.0.0.1:" + port, controllerNode.readyLine());
            assertTrue(brokerNode.readyLine().matches("node 2 listening on 127\\.0\\.0\\.1:\\d+"), brokerNode.readyLine());
            List<String> announced = new CopyOnWriteArrayList<>();
            brokerNode.announce(announced::add);
            await(() -> announced.size() == 2, "broker 2 to be unfenced: " + announced);
            assertEquals("broker 2 advertises PLAINTEXT://127.0.0.1:19092", announced.get(0));
            assertTrue(announced.get(1).matches("broker 2 unfenced with epoch \\d+"), announced.get(1));

            String scrape = scrape(controllerNode.metricsPort());
            assertTrue(scrape.contains("kraftlet_controller_ActiveControllerCount{node=\"1\"} 1.0"), scrape);
            assertTrue(scrape.contains("kraftlet_controller_ActiveBrokerCount{node=\"1\"} 1.0"), scrape);
            assertTrue(controllerNode.failure().isEmpty() && brokerNode.failure().isEmpty());
            assertEquals(-1, brokerNode.metricsPort());
        }
    }

    @Test
    void aCombinedNodeIsTheControllerAndABrokerThatClientsWriteTo() throws Exception {
        int controllerPort = freePort();
        int brokerPort = freePort();
        MetadataQuorum.format(dir.resolve("n1"), CLUSTER, 1);
        Map<String, String> combined = properties(1, "broker,controller", "1@127.0.0.1:" + controllerPort, "n1");
        combined.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        combined.put("controller.listener.names", "CONTROLLER");
        combined.put("log.dirs", dir.resolve("n1-logs").toString());
        combined.put("broker.heartbeat.interval.ms", "200");
        combined.put("metrics.port", "0");

        try (Node node = Node.start(NodeConfigParser.parse(combined))) {
            assertInstanceOf(BrokerNode.class, node);
            assertEquals("node 1 listening on 127.0.0.1:" + controllerPort, node.readyLine());
            List<String> announced = new CopyOnWriteArrayList<>();
            node.announce(announced::add);
            await(() -> announced.size() == 2, "broker 1 to be unfenced: " + announced);
            assertEquals("broker 1 advertises PLAINTEXT://127.0.0.1:" + brokerPort, announced.get(0));

            // Admin calls and clients use the broker listener; the controller answers on the same node.
            try (ControllerClient admin = ControllerClient.builder().clusterId(CLUSTER)
                    .controllers("1@127.0.0.1:" + brokerPort).build();
                    KraftletClient client = KraftletClient.builder()
                            .bootstrapServers("127.0.0.1:" + brokerPort).build()) {
                ControllerApi.CreateTopicsReply created = admin.createTopics(new ControllerApi.CreateTopicsRequest(
                        List.of(ControllerApi.NewTopic.of("combined", 1, 1)), false)).get(30, TimeUnit.SECONDS);
                assertEquals(ControllerError.NONE, created.topics().get(0).error().error(), created.toString());
                client.topic("combined", 30_000);
                ProduceResult written = client.produce("combined", 0,
                        List.of("on a combined node".getBytes(StandardCharsets.UTF_8)), -1);
                assertEquals(ReplicationError.NONE, written.error(), written.toString());
                FetchResult read = client.fetch("combined", 0, written.baseOffset(), 1 << 20);
                assertEquals("on a combined node", new String(read.records().get(0).value(), StandardCharsets.UTF_8));
                assertEquals(1, client.metadata().controllerId(), "the node names itself the active controller");
            }
            String scrape = scrape(node.metricsPort());
            assertTrue(scrape.contains("kraftlet_controller_ActiveControllerCount{node=\"1\"} 1.0"), scrape);
            assertTrue(scrape.contains("kraftlet_replication_LeaderCount{node=\"1\"} 1.0"), scrape);
            assertTrue(node.failure().isEmpty());
        }
    }

    @Test
    void aWildcardListenerAdvertisesThisMachinesName() throws IOException {
        assertEquals("10.0.0.4", BrokerNode.advertisedHost("10.0.0.4"));
        assertEquals(InetAddress.getLocalHost().getCanonicalHostName(), BrokerNode.advertisedHost("0.0.0.0"));
    }

    private Map<String, String> properties(int nodeId, String role, String voters, String dataDir) {
        Map<String, String> properties = new HashMap<>();
        properties.put("node.id", Integer.toString(nodeId));
        properties.put("process.roles", role);
        properties.put("controller.quorum.voters", voters);
        properties.put("metadata.log.dir", dir.resolve(dataDir).toString());
        return properties;
    }

    private static String scrape(int port) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).body();
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
