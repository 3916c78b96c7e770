package io.kraftlet.quorum;

import static io.kraftlet.quorum.ClusterTestSupport.await;
import static io.kraftlet.quorum.ClusterTestSupport.freePorts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.controller.ControllerApi;
import io.kraftlet.controller.ControllerConfig;
import io.kraftlet.controller.ControllerError;
import io.kraftlet.image.MetadataImage;
import io.kraftlet.image.PartitionRegistration;
import io.kraftlet.image.TopicImage;
import io.kraftlet.metadata.Endpoint;
import io.kraftlet.raft.QuorumDescription;
import io.kraftlet.transport.grpc.ControllerClient;
import io.kraftlet.transport.grpc.ControllerService;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three combined nodes ({@code process.roles=broker,controller}) in one JVM over real gRPC and
 * files: each runs a controller and a broker that shares its quorum member and images, with the
 * broker's services on a listener of its own. A combined node shuts down in Kafka's order
 * (broker first, with a controlled shutdown, then its controller) and comes back.
 */
class CombinedNodeTest {
    private static final String CLUSTER = "combined-node-test";
    private static final Duration DEADLINE = ClusterTestSupport.DEADLINE;
    private static final ControllerConfig CONTROLLER_CONFIG = ControllerConfig.DEFAULT.withSessionTimeout(3000, 300);

    @TempDir
    Path dir;

    private final List<Node> nodes = new ArrayList<>();
    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private String voters;
    private final java.util.Map<Integer, Integer> brokerPorts = new java.util.TreeMap<>();

    private record Node(ControllerServer controller, BrokerServer broker, int brokerPort) {
    }

    /**
     * Every broker first, while the controllers still form a quorum that grants their controlled
     * shutdowns; closing node by node, the last broker would wait for a quorum that is gone.
     */
    @AfterEach
    void closeEverything() {
        nodes.forEach(node -> node.broker().close());
        nodes.forEach(node -> node.controller().close());
        executor.shutdownNow();
    }

    @Test
    void combinedNodesFormAClusterAndAnAbsentOneComesBack() throws Exception {
        List<Integer> ports = freePorts(6);
        voters = "1@127.0.0.1:" + ports.get(0) + ",2@127.0.0.1:" + ports.get(1) + ",3@127.0.0.1:" + ports.get(2);
        for (int id = 1; id <= 3; id++) {
            brokerPorts.put(id, ports.get(2 + id));
            MetadataQuorum.format(dir.resolve("node-" + id), CLUSTER, id);
            nodes.add(startNode(id));
        }
        for (Node node : nodes) {
            node.broker().unfenced().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            assertTrue(node.broker().isCombined());
            assertEquals(node.brokerPort(), node.broker().port(), "the broker serves on its own listener");
            assertNotEquals(node.controller().port(), node.broker().port());
            assertSame(node.controller().metadata(), node.broker().metadata(), "the broker takes the controller's images");
        }

        ControllerApi admin = nodes.get(0).broker().controller();
        ControllerApi.CreateTopicsReply created = admin.createTopics(new ControllerApi.CreateTopicsRequest(
                List.of(ControllerApi.NewTopic.of("topic-p3r3", 3, 3)), false)).get(30, TimeUnit.SECONDS);
        assertEquals(ControllerError.NONE, created.topics().get(0).error().error(), created.toString());
        await(() -> nodes.stream().allMatch(n -> topic(n.broker().image()) != null), "every node sees topic-p3r3");
        for (PartitionRegistration partition : topic(nodes.get(1).broker().image()).partitions()) {
            assertEquals(List.of(1, 2, 3), partition.isr().stream().sorted().toList(), partition.toString());
        }

        // The broker listener serves the services given to the broker, apart from the controller listener.
        try (ControllerClient viaBroker = ControllerClient.builder().clusterId(CLUSTER)
                .controllers("1@127.0.0.1:" + nodes.get(0).broker().port()).build()) {
            ControllerApi.DescribeClusterReply cluster = viaBroker.describeCluster().get(30, TimeUnit.SECONDS);
            assertEquals(3, cluster.brokers().size(), cluster.toString());
        }
        QuorumDescription quorum = nodes.get(2).broker().describeQuorum().get(30, TimeUnit.SECONDS);
        assertTrue(quorum.leaderId() >= 1 && quorum.leaderId() <= 3 && quorum.leaderEpoch() > 0, quorum.toString());

        // Node 2 stops as Kafka stops a combined node: the broker's controlled shutdown, then the controller.
        Node leaving = nodes.remove(1);
        long oldEpoch = leaving.broker().brokerEpoch();
        leaving.broker().close();
        await(() -> topic(nodes.get(0).broker().image()).partitions().stream()
                .noneMatch(p -> p.leader() == 2 || p.inIsr(2)), "node 2 leads nothing and is in no ISR");
        assertTrue(Files.exists(dir.resolve("node-2").resolve(BrokerServer.CLEAN_SHUTDOWN_FILE)),
                "the broker recorded its clean shutdown in the shared metadata directory");
        leaving.controller().close();

        // Two of three voters carry on: a write commits.
        ControllerApi.CreateTopicsReply second = admin.createTopics(new ControllerApi.CreateTopicsRequest(
                List.of(ControllerApi.NewTopic.of("while-two", 2, 2)), false)).get(30, TimeUnit.SECONDS);
        assertEquals(ControllerError.NONE, second.topics().get(0).error().error(), second.toString());

        Node back = startNode(2);
        nodes.add(back);
        long newEpoch = back.broker().unfenced().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertTrue(newEpoch > oldEpoch, "a restarted node registers with a larger epoch: " + newEpoch + " vs " + oldEpoch);
        await(() -> back.broker().image().topics().topic("while-two") != null,
                "the restarted node replayed what was written while it was away");
    }

    @Test
    void aFailingBrokerListenerStopsTheBrokerButNotTheControllerAndTheBrokerIsFenced() throws Exception {
        voters = "1@127.0.0.1:" + freePorts(1).get(0);
        MetadataQuorum.format(dir.resolve("node-1"), CLUSTER, 1);
        ControllerServer controller = ControllerServer.builder().nodeId(1).clusterId(CLUSTER).voters(voters)
                .dataDir(dir.resolve("node-1")).controllerConfig(CONTROLLER_CONFIG).build();
        BrokerServer broker = BrokerServer.builder().sharedController(controller)
                .endpoint(new Endpoint("PLAINTEXT", "127.0.0.1", 1))
                .metadataListener((delta, image) -> {
                    if (image.topics().topic("poison") != null) {
                        throw new IllegalStateException("cannot apply topic poison");
                    }
                })
                .heartbeatIntervalMs(300).controlledShutdownTimeoutMs(20_000).build();
        nodes.add(new Node(controller, broker, -1));
        broker.start();
        broker.unfenced().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);

        ControllerApi admin = controller.api();
        assertEquals(ControllerError.NONE, admin.createTopics(new ControllerApi.CreateTopicsRequest(
                List.of(ControllerApi.NewTopic.of("poison", 1, 1)), false)).get(30, TimeUnit.SECONDS)
                .topics().get(0).error().error());
        await(() -> broker.failure().isPresent(), "the broker reports its listener's failure");
        assertTrue(broker.failure().get().getMessage().contains("cannot apply topic poison"), broker.failure().toString());
        assertTrue(controller.failure().isEmpty(), "the voter it shares keeps running: " + controller.failure());
        // It stopped heartbeating, so the controller fences it once its session expires: a record
        // the controller commits after the failure.
        await(() -> controller.image().cluster().brokers().get(1).fenced(), "the failed broker is fenced");
        assertTrue(controller.isActive() && controller.failure().isEmpty());
    }

    private Node startNode(int id) {
        Path data = dir.resolve("node-" + id);
        ControllerServer controller = ControllerServer.builder().nodeId(id).clusterId(CLUSTER).voters(voters)
                .dataDir(data).controllerConfig(CONTROLLER_CONFIG).meterRegistry(new SimpleMeterRegistry()).build();
        int brokerPort = brokerPorts.get(id);
        BrokerServer broker;
        try {
            broker = BrokerServer.builder().sharedController(controller)
                    .listenAddress("127.0.0.1:" + brokerPort)
                    .endpoint(new Endpoint("PLAINTEXT", "127.0.0.1", brokerPort))
                    .service(new ControllerService(CLUSTER, controller.api(), executor))
                    .heartbeatIntervalMs(300).controlledShutdownTimeoutMs(20_000).build();
        } catch (RuntimeException failure) {
            controller.close();
            throw failure;
        }
        broker.start(); // starts the shared controller too
        return new Node(controller, broker, brokerPort);
    }

    private static TopicImage topic(MetadataImage image) {
        return image.topics().topic("topic-p3r3");
    }
}
