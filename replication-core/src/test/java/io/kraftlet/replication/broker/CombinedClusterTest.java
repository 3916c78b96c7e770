package io.kraftlet.replication.broker;

import static io.kraftlet.quorum.ClusterTestSupport.await;
import static io.kraftlet.quorum.ClusterTestSupport.freePorts;
import static io.kraftlet.replication.broker.BrokerClusterSupport.bytes;
import static io.kraftlet.replication.broker.BrokerClusterSupport.everyPartition;
import static io.kraftlet.replication.broker.BrokerClusterSupport.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.controller.ControllerApi;
import io.kraftlet.controller.ControllerConfig;
import io.kraftlet.controller.ControllerError;
import io.kraftlet.controller.ElectionType;
import io.kraftlet.image.MetadataImage;
import io.kraftlet.image.PartitionRegistration;
import io.kraftlet.metadata.Endpoint;
import io.kraftlet.metadata.TopicPartition;
import io.kraftlet.quorum.ControllerServer;
import io.kraftlet.quorum.MetadataQuorum;
import io.kraftlet.replication.ProduceAcks;
import io.kraftlet.replication.ProduceResult;
import io.kraftlet.replication.ReplicationConfig;
import io.kraftlet.replication.ReplicationError;
import io.kraftlet.transport.grpc.ControllerClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three combined nodes ({@code process.roles=broker,controller}): each a {@link ControllerServer}
 * and a {@link KraftletBroker} sharing it, over real gRPC and files. Partitions replicate
 * between the brokers' own listeners while the quorum runs on the controller listeners; a node
 * stops (broker, then controller) and acks=all goes on with min.insync.replicas=2; it comes back,
 * catches up, rejoins the ISRs and leads its preferred partitions again; every acknowledged
 * record is read back from the leaders, node 2 among them.
 */
class CombinedClusterTest {
    private static final String CLUSTER = "combined-cluster-test";
    private static final String TOPIC = "topic-p3r3";
    private static final Duration DEADLINE = io.kraftlet.quorum.ClusterTestSupport.DEADLINE;

    @TempDir
    Path dir;

    private final Map<Integer, ControllerServer> controllers = new TreeMap<>();
    private final Map<Integer, KraftletBroker> brokers = new TreeMap<>();
    private final Map<Integer, Integer> brokerPorts = new TreeMap<>();
    private String voters;
    private final Map<Integer, Map<Long, String>> acknowledged = new TreeMap<>();

    @AfterEach
    void closeEverything() {
        brokers.values().forEach(KraftletBroker::close);
        controllers.values().forEach(ControllerServer::close);
    }

    @Test
    void combinedNodesReplicateAndANodeThatLeftCatchesUp() throws Exception {
        List<Integer> ports = freePorts(6);
        voters = "1@127.0.0.1:" + ports.get(0) + ",2@127.0.0.1:" + ports.get(1) + ",3@127.0.0.1:" + ports.get(2);
        for (int id = 1; id <= 3; id++) {
            MetadataQuorum.format(dir.resolve("metadata-" + id), CLUSTER, id);
            brokerPorts.put(id, ports.get(2 + id));
            startNode(id);
        }
        for (KraftletBroker broker : brokers.values()) {
            broker.unfenced().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }
        // Admin calls reach the controllers through a broker listener (it forwards them).
        try (ControllerClient viaBroker = ControllerClient.builder().clusterId(CLUSTER)
                .controllers("1@127.0.0.1:" + brokerPorts.get(1)).build()) {
            ControllerApi.CreateTopicsReply created = viaBroker.createTopics(new ControllerApi.CreateTopicsRequest(
                    List.of(new ControllerApi.NewTopic(TOPIC, 3, 3, Map.of(), Map.of("min.insync.replicas", "2"))),
                    false)).get(30, TimeUnit.SECONDS);
            assertEquals(ControllerError.NONE, created.topics().get(0).error().error(), created.toString());
        }
        awaitFullIsrs();
        for (int round = 0; round < 10; round++) {
            produceToEveryPartition("three-" + round);
        }

        // Node 2 stops in Kafka's order: its broker (controlled shutdown), then its controller.
        brokers.remove(2).close();
        controllers.remove(2).close();
        KraftletBroker one = brokers.get(1);
        await(() -> everyPartition(one.image(), TOPIC, p -> !p.inIsr(2) && p.leader() != 2), "node 2 left the ISRs");
        for (int round = 0; round < 10; round++) {
            produceToEveryPartition("two-" + round);
        }

        startNode(2);
        awaitFullIsrs();
        produceToEveryPartition("after-rejoin");
        // Preferred elections give node 2 back the partitions it is first replica of: it then
        // serves every record, including those written while it was away.
        brokers.get(1).controller().electLeaders(new ControllerApi.ElectLeadersRequest(ElectionType.PREFERRED,
                List.of(0, 1, 2).stream().map(p -> new TopicPartition(TOPIC, p)).toList())).get(30, TimeUnit.SECONDS);
        await(() -> everyPartition(one.image(), TOPIC, p -> p.leader() == p.replicas().get(0))
                && brokers.get(2).stats().leaderCount() >= 1, "node 2 leads its preferred partitions again");

        for (Map.Entry<Integer, Map<Long, String>> entry : acknowledged.entrySet()) {
            TopicPartition tp = new TopicPartition(TOPIC, entry.getKey());
            Map<Long, String> read = readAll(brokers.get(partition(one.image(), entry.getKey()).leader()), tp);
            for (Map.Entry<Long, String> record : entry.getValue().entrySet()) {
                assertEquals(record.getValue(), read.get(record.getKey()), tp + " offset " + record.getKey());
            }
        }
    }

    @Test
    void aCombinedBrokerKeepsTheControllersMetadataDirectory() {
        MetadataQuorum.format(dir.resolve("metadata"), CLUSTER, 1);
        try (ControllerServer controller = ControllerServer.builder().nodeId(1).clusterId(CLUSTER)
                .voters("1@127.0.0.1:19093").dataDir(dir.resolve("metadata")).build()) {
            IllegalArgumentException other = assertThrows(IllegalArgumentException.class, () -> KraftletBroker.builder()
                    .metadataDir(dir.resolve("other")).sharedController(controller).logDir(dir.resolve("data"))
                    .endpoint(new Endpoint("PLAINTEXT", "127.0.0.1", 1)).build());
            assertTrue(other.getMessage().contains("one metadata log"), other.getMessage());
            IllegalArgumentException nested = assertThrows(IllegalArgumentException.class, () -> KraftletBroker.builder()
                    .sharedController(controller).logDir(dir.resolve("metadata").resolve("data"))
                    .endpoint(new Endpoint("PLAINTEXT", "127.0.0.1", 1)).build());
            assertTrue(nested.getMessage().contains("separate directories"), nested.getMessage());
        }
    }

    private void startNode(int id) {
        ControllerServer controller = ControllerServer.builder().nodeId(id).clusterId(CLUSTER).voters(voters)
                .dataDir(dir.resolve("metadata-" + id))
                .controllerConfig(ControllerConfig.DEFAULT.withSessionTimeout(3000, 300)).build();
        controllers.put(id, controller);
        int port = brokerPorts.get(id);
        KraftletBroker broker = KraftletBroker.builder().sharedController(controller)
                .logDir(dir.resolve("data-" + id))
                .listenAddress("127.0.0.1:" + port).endpoint(new Endpoint("PLAINTEXT", "127.0.0.1", port))
                .heartbeatIntervalMs(300)
                .replicationConfig(ReplicationConfig.DEFAULT.withReplicaLagTimeMaxMs(5_000).withReplicaFetchBackoffMs(100))
                .build();
        brokers.put(id, broker);
        broker.start(); // starts the shared controller too
    }

    private void produceToEveryPartition(String value) throws Exception {
        for (int p = 0; p < 3; p++) {
            TopicPartition tp = new TopicPartition(TOPIC, p);
            int leader = partition(brokers.get(1).image(), p).leader();
            ProduceResult result = brokers.get(leader).append(tp, List.of(bytes(value + "-" + p)), ProduceAcks.ALL,
                    10_000).get(20, TimeUnit.SECONDS);
            assertEquals(ReplicationError.NONE, result.error(), tp + ": " + result);
            acknowledged.computeIfAbsent(p, k -> new TreeMap<>()).put(result.baseOffset(), value + "-" + p);
        }
    }

    private void awaitFullIsrs() {
        for (KraftletBroker broker : brokers.values()) {
            await(() -> everyPartition(broker.image(), TOPIC, p -> p.isrSize() == 3 && p.hasLeader()),
                    "node " + broker.nodeId() + " sees every ISR at 3");
        }
        await(() -> brokers.values().stream().mapToInt(b -> b.stats().leaderCount()).sum() == 3,
                "three partitions are led");
    }

    private static PartitionRegistration partition(MetadataImage image, int p) {
        return image.topics().topic(TOPIC).partition(p);
    }
}
