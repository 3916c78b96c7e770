package io.kraftlet.examples.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.examples.config.NodeConfig;
import io.kraftlet.examples.config.NodeConfigParser;
import io.kraftlet.quorum.MetadataQuorum;
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

/** {@code process.roles} picks the node; a controller and a broker in this JVM over loopback. */
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
