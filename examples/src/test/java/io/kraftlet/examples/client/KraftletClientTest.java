package io.kraftlet.examples.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.controller.ControllerApi;
import io.kraftlet.controller.ControllerConfig;
import io.kraftlet.controller.ControllerError;
import io.kraftlet.image.MetadataImage;
import io.kraftlet.image.TopicImage;
import io.kraftlet.metadata.Endpoint;
import io.kraftlet.quorum.ControllerServer;
import io.kraftlet.quorum.MetadataQuorum;
import io.kraftlet.raft.Batch;
import io.kraftlet.replication.ProduceAcks;
import io.kraftlet.replication.ProduceResult;
import io.kraftlet.replication.ReadResult;
import io.kraftlet.replication.ReplicationConfig;
import io.kraftlet.replication.ReplicationError;
import io.kraftlet.replication.broker.KraftletBroker;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link KraftletClient} against three controllers and three {@link KraftletBroker}s in this JVM,
 * each broker serving {@link ClientService} on its listener over real gRPC: bootstrap past a dead
 * address, produce and fetch, follow a leader that moves when its broker closes, and a clear error
 * when no listed server answers or the brokers belong to another cluster.
 */
class KraftletClientTest {
    private static final String CLUSTER = "client-test";
    private static final String TOPIC = "client-topic";
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final List<ControllerServer> controllers = new ArrayList<>();
    private final Map<Integer, KraftletBroker> brokers = new ConcurrentHashMap<>();
    private final Map<Integer, ClientService> services = new TreeMap<>();
    private final Map<Integer, Integer> brokerPorts = new TreeMap<>();
    private int deadPort;

    @BeforeEach
    void startCluster() throws Exception {
        String voters = "1@127.0.0.1:" + freePort() + ",2@127.0.0.1:" + freePort() + ",3@127.0.0.1:" + freePort();
        for (int id = 1; id <= 3; id++) {
            MetadataQuorum.format(dir.resolve("controller-" + id), CLUSTER, id);
            ControllerServer controller = ControllerServer.builder().nodeId(id).clusterId(CLUSTER).voters(voters)
                    .dataDir(dir.resolve("controller-" + id))
                    .controllerConfig(ControllerConfig.DEFAULT.withSessionTimeout(3000, 300)).build();
            controllers.add(controller);
            controller.start();
        }
        for (int id = 101; id <= 103; id++) {
            int brokerId = id;
            int port = freePort();
            brokerPorts.put(id, port);
            MetadataQuorum.format(dir.resolve("broker-" + id + "-metadata"), CLUSTER, id);
            ClientService service = new ClientService(CLUSTER, () -> brokers.get(brokerId));
            services.put(id, service);
            KraftletBroker broker = KraftletBroker.builder().nodeId(id).clusterId(CLUSTER).voters(voters)
                    .metadataDir(dir.resolve("broker-" + id + "-metadata")).logDir(dir.resolve("broker-" + id + "-data"))
                    .listenAddress("127.0.0.1:" + port).endpoint(new Endpoint("PLAINTEXT", "127.0.0.1", port))
                    .heartbeatIntervalMs(300)
                    .replicationConfig(ReplicationConfig.DEFAULT.withReplicaLagTimeMaxMs(5_000)
                            .withReplicaFetchBackoffMs(100))
                    .service(service)
                    .build();
            brokers.put(id, broker);
            broker.start();
        }
        for (KraftletBroker broker : brokers.values()) {
            broker.unfenced().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }
        ControllerApi.CreateTopicsReply created = brokers.get(101).controller().createTopics(
                new ControllerApi.CreateTopicsRequest(List.of(new ControllerApi.NewTopic(TOPIC, 3, 3, Map.of(),
                        Map.of("min.insync.replicas", "2"))), false)).get(30, TimeUnit.SECONDS);
        assertEquals(ControllerError.NONE, created.topics().get(0).error().error(), created.toString());
        for (KraftletBroker broker : brokers.values()) {
            await(() -> fullIsrs(broker.image()), "broker " + broker.nodeId() + " sees every ISR full");
        }
        await(() -> brokers.values().stream().mapToInt(b -> b.stats().leaderCount()).sum() == 3,
                "three partitions are led");
        deadPort = freePort();
    }

    @AfterEach
    void closeEverything() {
        brokers.values().forEach(KraftletBroker::close);
        services.values().forEach(ClientService::close);
        controllers.forEach(ControllerServer::close);
    }

    @Test
    void producesAndFetchesThroughAnyListedBrokerAndFollowsTheLeader() {
        try (KraftletClient client = KraftletClient.builder()
                .bootstrapServers("127.0.0.1:" + deadPort + ",127.0.0.1:" + brokerPorts.get(102))
                .deliveryTimeoutMs(30_000).requestTimeoutMs(10_000).build()) {
            ClusterMetadata metadata = client.metadata();
            assertEquals(CLUSTER, client.clusterId(), "learnt from the answer");
            assertEquals(List.of(101, 102, 103), List.copyOf(new TreeMap<>(metadata.brokers()).keySet()));
            assertTrue(List.of(1, 2, 3).contains(metadata.controllerId()), "a voter is active: " + metadata);
            assertEquals("2", metadata.topic(TOPIC).orElseThrow().configs().get("min.insync.replicas"));

            for (int p = 0; p < 3; p++) {
                ProduceResult written = client.produce(TOPIC, p, List.of(bytes("a-" + p), bytes("b-" + p)),
                        ProduceAcks.ALL);
                assertEquals(ReplicationError.NONE, written.error(), written.toString());
                assertEquals(0, written.baseOffset());
            }
            assertEquals(List.of("b-1"), values(client.fetch(TOPIC, 1, 1, 1 << 20)), "records from the offset on");

            // The leader of partition 0 closes: the client finds the new one and writes there.
            int oldLeader = client.metadata().topic(TOPIC).orElseThrow().partitions().get(0).leader();
            services.remove(oldLeader).close();
            brokers.remove(oldLeader).close();
            ProduceResult moved = client.produce(TOPIC, 0, List.of(bytes("after-move")), ProduceAcks.ALL);
            assertEquals(ReplicationError.NONE, moved.error(), moved.toString());
            assertEquals(2, moved.baseOffset());
            int newLeader = client.metadata().topic(TOPIC).orElseThrow().partitions().get(0).leader();
            assertTrue(newLeader != oldLeader && newLeader != -1, "partition 0 moved to " + newLeader);
            FetchResult all = client.fetch(TOPIC, 0, 0, 1 << 20);
            assertEquals(List.of("a-0", "b-0", "after-move"), values(all));
            assertEquals(3, all.highWatermark());

            ProduceResult badPartition = client.produce(TOPIC, 7, List.of(bytes("x")), ProduceAcks.ALL);
            assertEquals(ReplicationError.UNKNOWN_TOPIC_OR_PARTITION, badPartition.error());
            ClientException unknown = assertThrows(ClientException.class, () -> client.topic("no-such-topic", 200));
            assertEquals("topic 'no-such-topic' does not exist (UNKNOWN_TOPIC_OR_PARTITION)", unknown.getMessage());
        }
    }

    @Test
    void aFetchSkipsRecordsBeforeTheOffsetAndControlBatches() {
        ReadResult read = new ReadResult(ReplicationError.NONE, List.of(
                new Batch(10, 1, 0, false, List.of(bytes("r10"), bytes("r11"), bytes("r12"))),
                new Batch(13, 1, 0, true, List.of(bytes("control"))),
                new Batch(14, 2, 0, false, List.of(bytes("r14")))), 15, 3, "");
        FetchResult fetched = KraftletClient.records(read, 11);
        assertEquals(List.of(11L, 12L, 14L), fetched.records().stream().map(FetchResult.ConsumedRecord::offset).toList());
        assertEquals("r11", new String(fetched.records().get(0).value(), StandardCharsets.UTF_8));
        assertEquals(15, fetched.highWatermark());
        assertEquals(3, fetched.logStartOffset());

        FetchResult refused = KraftletClient.records(
                ReadResult.failed(ReplicationError.OFFSET_OUT_OF_RANGE, 15, 3, "offset 99 not in [3, 15]"), 99);
        assertEquals(ReplicationError.OFFSET_OUT_OF_RANGE, refused.error());
        assertEquals("offset 99 not in [3, 15]", refused.message());
        assertEquals(3, refused.logStartOffset());
    }

    @Test
    void namesEveryServerTriedWhenNoneAnswers() {
        try (KraftletClient client = KraftletClient.builder()
                .bootstrapServers("127.0.0.1:1,127.0.0.1:" + deadPort).build()) {
            ClientException failed = assertThrows(ClientException.class,
                    () -> client.produce(TOPIC, 0, List.of(bytes("x")), ProduceAcks.ALL));
            assertTrue(failed.getMessage().startsWith("none of the bootstrap servers [127.0.0.1:1, 127.0.0.1:"
                    + deadPort + "] answered: 127.0.0.1:" + deadPort + ": UNAVAILABLE"), failed.getMessage());
        }
    }

    @Test
    void refusesBrokersOfAnotherCluster() {
        try (KraftletClient client = KraftletClient.builder().clusterId("another-cluster")
                .bootstrapServers("127.0.0.1:" + brokerPorts.get(101)).build()) {
            ClientException refused = assertThrows(ClientException.class, client::metadata);
            assertEquals("127.0.0.1:" + brokerPorts.get(101) + " refused the request: the request is for cluster"
                    + " 'another-cluster' but this broker belongs to cluster '" + CLUSTER + "'", refused.getMessage());
        }
    }

    private static List<String> values(FetchResult fetched) {
        assertEquals(ReplicationError.NONE, fetched.error(), fetched.message());
        return fetched.records().stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
    }

    private static boolean fullIsrs(MetadataImage image) {
        TopicImage topic = image.topics().topic(TOPIC);
        return topic != null && topic.partitions().stream().allMatch(p -> p.isrSize() == 3 && p.hasLeader());
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
