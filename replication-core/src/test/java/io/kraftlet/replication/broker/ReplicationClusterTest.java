package io.kraftlet.replication.broker;

import static io.kraftlet.quorum.ClusterTestSupport.await;
import static io.kraftlet.quorum.ClusterTestSupport.freePorts;
import static io.kraftlet.replication.broker.BrokerClusterSupport.bytes;
import static io.kraftlet.replication.broker.BrokerClusterSupport.everyPartition;
import static io.kraftlet.replication.broker.BrokerClusterSupport.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.controller.ControllerApi;
import io.kraftlet.controller.ControllerConfig;
import io.kraftlet.controller.ControllerError;
import io.kraftlet.image.MetadataImage;
import io.kraftlet.image.PartitionRegistration;
import io.kraftlet.metadata.Endpoint;
import io.kraftlet.metadata.TopicPartition;
import io.kraftlet.quorum.ControllerServer;
import io.kraftlet.quorum.MetadataQuorum;
import io.kraftlet.replication.ProduceAcks;
import io.kraftlet.replication.ProduceRequest;
import io.kraftlet.replication.ProduceResult;
import io.kraftlet.replication.ReadResult;
import io.kraftlet.replication.ReplicationConfig;
import io.kraftlet.replication.ReplicationError;
import io.kraftlet.replication.grpc.ReplicationClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three controllers and three {@link KraftletBroker}s in one JVM over real gRPC on loopback, real
 * files and fsync: the seed scenario with data. acks=all with min.insync.replicas=2 keeps working
 * with one broker stopped, is refused NOT_ENOUGH_REPLICAS with two stopped while acks=1 still
 * works, the stopped brokers catch up and rejoin the ISR when they come back, and every
 * acknowledged acks=all record is read back at the offset it was acknowledged at.
 */
class ReplicationClusterTest {
    private static final String CLUSTER = "replication-cluster-test";
    private static final String TOPIC = "topic-p3r3";
    private static final Duration DEADLINE = io.kraftlet.quorum.ClusterTestSupport.DEADLINE;

    @TempDir
    Path dir;

    private final List<ControllerServer> controllers = new ArrayList<>();
    private final Map<Integer, KraftletBroker> brokers = new TreeMap<>();
    private final Map<Integer, Integer> brokerPorts = new TreeMap<>();
    private final Map<Integer, SimpleMeterRegistry> registries = new TreeMap<>();
    private String voters;
    /** Acknowledged acks=all records: (partition, offset) → value. */
    private final Map<TopicPartition, Map<Long, String>> acknowledged = new TreeMap<>(
            (a, b) -> Integer.compare(a.partition(), b.partition()));

    @AfterEach
    void closeEverything() {
        brokers.values().forEach(KraftletBroker::close);
        controllers.forEach(ControllerServer::close);
    }

    @Test
    void theSeedScenarioWithData() throws Exception {
        List<Integer> ports = freePorts(6);
        voters = "1@127.0.0.1:" + ports.get(0) + ",2@127.0.0.1:" + ports.get(1) + ",3@127.0.0.1:" + ports.get(2);
        for (int id = 1; id <= 3; id++) {
            MetadataQuorum.format(dir.resolve("controller-" + id), CLUSTER, id);
            ControllerServer controller = ControllerServer.builder().nodeId(id).clusterId(CLUSTER).voters(voters)
                    .dataDir(dir.resolve("controller-" + id))
                    .controllerConfig(ControllerConfig.DEFAULT.withSessionTimeout(3000, 300)).build();
            controllers.add(controller);
            controller.start();
        }
        for (int id = 101; id <= 103; id++) {
            MetadataQuorum.format(dir.resolve("broker-" + id + "-metadata"), CLUSTER, id);
            brokerPorts.put(id, ports.get(id - 98));
            startBroker(id);
        }
        for (KraftletBroker broker : brokers.values()) {
            broker.unfenced().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }
        KraftletBroker admin = brokers.get(101);
        ControllerApi.CreateTopicsReply created = admin.controller().createTopics(new ControllerApi.CreateTopicsRequest(
                List.of(new ControllerApi.NewTopic(TOPIC, 3, 3, Map.of(), Map.of("min.insync.replicas", "2"))), false))
                .get(30, TimeUnit.SECONDS);
        assertEquals(ControllerError.NONE, created.topics().get(0).error().error(), created.toString());
        awaitFullIsrs(3);

        // A tool learns the cluster id from any broker, then talks to the controller through it.
        assertEquals(CLUSTER, io.kraftlet.transport.grpc.ControllerClient.discoverClusterId(
                "102@127.0.0.1:" + brokerPorts.get(102), null, 5_000).get(20, TimeUnit.SECONDS));
        // A broker's listener forwards the controller API to the active controller (tools may use brokers).
        try (io.kraftlet.transport.grpc.ControllerClient viaBroker = io.kraftlet.transport.grpc.ControllerClient.builder()
                .clusterId(CLUSTER).controllers("103@127.0.0.1:" + brokerPorts.get(103)).build()) {
            // Reads may be answered by a standby controller, whose image can trail the brokers' by a fetch.
            ControllerApi.DescribeTopicsReply[] described = new ControllerApi.DescribeTopicsReply[1];
            await(() -> {
                described[0] = viaBroker.describeTopics(List.of(TOPIC)).join();
                return described[0].topics().get(0).partitions().size() == 3;
            }, "a controller describes " + TOPIC + " through broker 103");
            assertEquals("2", described[0].topics().get(0).configs().get("min.insync.replicas"), described[0].toString());
        }

        for (int round = 0; round < 20; round++) {
            produceToEveryPartition(ProduceAcks.ALL, "all-" + round, true);
        }

        // Over the gRPC service too: a client produces to and reads from a leader's listener.
        TopicPartition p0 = new TopicPartition(TOPIC, 0);
        int leader0 = partition(admin.image(), 0).leader();
        try (ReplicationClient client = ReplicationClient.builder().clusterId(CLUSTER)
                .target("127.0.0.1", brokerPorts.get(leader0)).build()) {
            ProduceResult viaGrpc = client.produce(new ProduceRequest(p0, List.of(bytes("via-grpc")), ProduceAcks.ALL,
                    10_000), 15_000).get(20, TimeUnit.SECONDS);
            assertEquals(ReplicationError.NONE, viaGrpc.error(), viaGrpc.message());
            acknowledged.get(p0).put(viaGrpc.baseOffset(), "via-grpc");
            ReadResult read = client.read(p0, viaGrpc.baseOffset(), 1 << 20, 15_000).get(20, TimeUnit.SECONDS);
            assertEquals("via-grpc", new String(read.batches().get(0).records().get(
                    (int) (viaGrpc.baseOffset() - read.batches().get(0).baseOffset())), StandardCharsets.UTF_8));
        }

        // One broker stops: its replicas leave the ISRs, and acks=all goes on with two.
        brokers.remove(102).close();
        await(() -> everyPartition(admin.image(), TOPIC, p -> !p.inIsr(102) && p.leader() != 102), "broker 102 left the ISRs");
        for (int round = 0; round < 10; round++) {
            produceToEveryPartition(ProduceAcks.ALL, "two-" + round, true);
        }

        // A second one stops: ISRs of one, below min.insync.replicas=2.
        brokers.remove(103).close();
        await(() -> everyPartition(admin.image(), TOPIC, p -> p.isr().equals(List.of(101))), "ISRs are {101}");
        // The meters say so: broker 101 leads all three partitions, each under min ISR.
        await(() -> gauge(101, "LeaderCount") == 3 && gauge(101, "UnderMinIsrPartitionCount") == 3
                && gauge(101, "UnderReplicatedPartitions") == 3 && gauge(101, "AtMinIsrPartitionCount") == 0,
                "broker 101's meters show three under-min-ISR partitions");
        for (int p = 0; p < 3; p++) {
            TopicPartition tp = new TopicPartition(TOPIC, p);
            ProduceResult refused = admin.append(tp, List.of(bytes("refused")), ProduceAcks.ALL, 10_000)
                    .get(20, TimeUnit.SECONDS);
            assertEquals(ReplicationError.NOT_ENOUGH_REPLICAS, refused.error(), refused.toString());
            ProduceResult one = admin.append(tp, List.of(bytes("acks-1")), ProduceAcks.LEADER, 10_000)
                    .get(20, TimeUnit.SECONDS);
            assertEquals(ReplicationError.NONE, one.error(), "acks=1 still works: " + one);
        }

        // Both come back, catch up, and rejoin the ISRs through AlterPartition from the leaders.
        startBroker(102);
        startBroker(103);
        awaitFullIsrs(3);
        produceToEveryPartition(ProduceAcks.ALL, "after-rejoin", true);
        // The stats are a snapshot the replication thread refreshes every few hundred ms.
        await(() -> admin.stats().isrExpands() > 0, "broker 101's stats count its ISR expansions");
        await(() -> registries.get(101).get("kraftlet.replication.IsrExpandsPerSec").functionCounter().count() > 0,
                "the IsrExpandsPerSec meter counts them");

        // Every acknowledged acks=all record is read back at its offset, from the current leader.
        for (Map.Entry<TopicPartition, Map<Long, String>> entry : acknowledged.entrySet()) {
            TopicPartition tp = entry.getKey();
            KraftletBroker leader = brokers.get(partition(admin.image(), tp.partition()).leader());
            Map<Long, String> read = readAll(leader, tp);
            for (Map.Entry<Long, String> record : entry.getValue().entrySet()) {
                assertEquals(record.getValue(), read.get(record.getKey()), tp + " offset " + record.getKey());
            }
        }
    }

    private void startBroker(int id) {
        int port = brokerPorts.get(id);
        KraftletBroker broker = KraftletBroker.builder().nodeId(id).clusterId(CLUSTER).voters(voters)
                .metadataDir(dir.resolve("broker-" + id + "-metadata")).logDir(dir.resolve("broker-" + id + "-data"))
                .listenAddress("127.0.0.1:" + port).endpoint(new Endpoint("PLAINTEXT", "127.0.0.1", port))
                .heartbeatIntervalMs(300)
                .replicationConfig(ReplicationConfig.DEFAULT.withReplicaLagTimeMaxMs(5_000)
                        .withReplicaFetchBackoffMs(100))
                .meterRegistry(registries.computeIfAbsent(id, k -> new SimpleMeterRegistry()))
                .build();
        brokers.put(id, broker);
        broker.start();
    }

    private void produceToEveryPartition(int acks, String value, boolean mustSucceed) throws Exception {
        for (int p = 0; p < 3; p++) {
            TopicPartition tp = new TopicPartition(TOPIC, p);
            int leader = partition(brokers.values().iterator().next().image(), p).leader();
            ProduceResult result = brokers.get(leader).append(tp, List.of(bytes(value + "-" + p)), acks, 10_000)
                    .get(20, TimeUnit.SECONDS);
            if (mustSucceed) {
                assertEquals(ReplicationError.NONE, result.error(), tp + ": " + result);
            }
            if (result.error() == ReplicationError.NONE) {
                acknowledged.computeIfAbsent(tp, k -> new TreeMap<>()).put(result.baseOffset(), value + "-" + p);
            }
        }
    }

    private void awaitFullIsrs(int size) {
        for (KraftletBroker broker : brokers.values()) {
            await(() -> everyPartition(broker.image(), TOPIC, p -> p.isrSize() == size && p.hasLeader()),
                    "broker " + broker.nodeId() + " sees every ISR at " + size);
        }
        // The leaders act on that image too (they lead and serve).
        await(() -> brokers.values().stream().mapToInt(b -> b.stats().leaderCount()).sum() == 3,
                "three partitions are led");
    }

    private double gauge(int brokerId, String name) {
        return registries.get(brokerId).get("kraftlet.replication." + name).gauge().value();
    }

    private static PartitionRegistration partition(MetadataImage image, int p) {
        return image.topics().topic(TOPIC).partition(p);
    }
}
