package io.kraftlet.quorum;

import static io.kraftlet.quorum.ClusterTestSupport.await;
import static io.kraftlet.quorum.ClusterTestSupport.freePorts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.broker.BrokerLifecycle;
import io.kraftlet.controller.ControllerApi;
import io.kraftlet.controller.ControllerConfig;
import io.kraftlet.controller.ControllerError;
import io.kraftlet.controller.ElectionType;
import io.kraftlet.image.MetadataImage;
import io.kraftlet.image.PartitionRegistration;
import io.kraftlet.image.TopicImage;
import io.kraftlet.metadata.Endpoint;
import io.kraftlet.metadata.TopicPartition;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three controllers and three brokers in one JVM over real gRPC on loopback and real files:
 * registration, unfencing, topic creation, controlled shutdown moving leadership away, a
 * restarted broker coming back with a new epoch, the ZooKeeper-shaped view, and the clients
 * failing over when the active controller stops.
 */
class ControllerClusterTest {
    private static final String CLUSTER = "controller-cluster-test";
    private static final Duration DEADLINE = ClusterTestSupport.DEADLINE;
    private static final ControllerConfig CONTROLLER_CONFIG = ControllerConfig.DEFAULT
            .withSessionTimeout(3000, 300);

    @TempDir
    Path dir;

    private final List<ControllerServer> controllers = new ArrayList<>();
    private final List<BrokerServer> brokers = new ArrayList<>(List.of());
    private String voters;

    @AfterEach
    void closeEverything() {
        brokers.forEach(BrokerServer::close);
        controllers.forEach(ControllerServer::close);
    }

    @Test
    void brokersRegisterTopicsAreLedAndLeadershipMovesOnControlledShutdownAndFailover() throws Exception {
        List<Integer> ports = freePorts(3);
        voters = "1@127.0.0.1:" + ports.get(0) + ",2@127.0.0.1:" + ports.get(1) + ",3@127.0.0.1:" + ports.get(2);
        for (int id = 1; id <= 3; id++) {
            MetadataQuorum.format(dir.resolve("controller-" + id), CLUSTER, id);
            ControllerServer controller = ControllerServer.builder().nodeId(id).clusterId(CLUSTER).voters(voters)
                    .dataDir(dir.resolve("controller-" + id)).controllerConfig(CONTROLLER_CONFIG)
                    .meterRegistry(new SimpleMeterRegistry()).build();
            controllers.add(controller);
            controller.start();
        }
        for (int id = 101; id <= 103; id++) {
            MetadataQuorum.format(dir.resolve("broker-" + id), CLUSTER, id);
            brokers.add(startBroker(id));
        }
        for (BrokerServer broker : brokers) {
            broker.unfenced().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }

        ControllerApi admin = brokers.get(0).controller();
        ControllerApi.CreateTopicsReply created = admin.createTopics(new ControllerApi.CreateTopicsRequest(
                List.of(ControllerApi.NewTopic.of("topic-p3r3", 3, 3)), false)).get(30, TimeUnit.SECONDS);
        assertEquals(ControllerError.NONE, created.topics().get(0).error().error(), created.toString());
        for (BrokerServer broker : brokers) {
            await(() -> topic(broker.image()) != null && topic(broker.image()).partitionCount() == 3,
                    "broker " + broker.nodeId() + " sees topic-p3r3");
        }
        TopicImage topic = topic(brokers.get(2).image());
        for (PartitionRegistration partition : topic.partitions()) {
            assertEquals(List.of(101, 102, 103), partition.isr().stream().sorted().toList());
            assertEquals(partition.preferredLeader(), partition.leader(), partition.toString());
        }
        List<Integer> epochsBefore = topic.partitions().stream().map(PartitionRegistration::leaderEpoch).toList();

        // Controlled shutdown of broker 102: leadership moves away before it stops.
        BrokerServer leaving = brokers.remove(1);
        long oldEpoch = leaving.brokerEpoch();
        leaving.close();
        await(() -> {
            TopicImage now = topic(brokers.get(0).image());
            return now.partitions().stream().noneMatch(p -> p.leader() == 102 || p.inIsr(102));
        }, "broker 102 leads nothing and is in no ISR");
        TopicImage afterShutdown = topic(brokers.get(0).image());
        for (int p = 0; p < 3; p++) {
            PartitionRegistration partition = afterShutdown.partition(p);
            assertEquals(List.of(101, 103), partition.isr().stream().sorted().toList());
            if (topic.partition(p).leader() == 102) {
                assertTrue(partition.leaderEpoch() > epochsBefore.get(p), "leader epoch bumped: " + partition);
            }
        }
        ControllerApi.ZkNode ids = admin.readZkPath("/brokers/ids").get(30, TimeUnit.SECONDS);
        assertEquals(List.of("101", "103"), ids.children());
        await(() -> controllers.stream().mapToDouble(c -> gauge(c, "ActiveControllerCount")).sum() == 1
                && controllers.stream().allMatch(c -> gauge(c, "FencedBrokerCount") == 1
                        && gauge(c, "ActiveBrokerCount") == 2 && gauge(c, "OfflinePartitionsCount") == 0),
                "the controller meters show one active controller, one fenced and two live brokers");

        // The active controller stops; the clients find the next one on their own.
        ControllerServer active = controllers.stream().filter(ControllerServer::isActive).findFirst().orElseThrow();
        active.close();
        controllers.remove(active);

        BrokerServer restarted = startBroker(102);
        brokers.add(restarted);
        long newEpoch = restarted.unfenced().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertTrue(newEpoch > oldEpoch, "a restarted broker registers with a larger epoch: " + newEpoch + " vs " + oldEpoch);
        assertEquals(BrokerLifecycle.State.RUNNING, restarted.state());

        ControllerApi.ElectLeadersReply election = admin.electLeaders(new ControllerApi.ElectLeadersRequest(
                ElectionType.PREFERRED, List.of(new TopicPartition("topic-p3r3", 0)))).get(30, TimeUnit.SECONDS);
        assertEquals(1, election.partitions().size(), election.toString());
        ControllerApi.CreateTopicsReply second = admin.createTopics(new ControllerApi.CreateTopicsRequest(
                List.of(ControllerApi.NewTopic.of("after-failover", 2, 2)), false)).get(30, TimeUnit.SECONDS);
        assertEquals(ControllerError.NONE, second.topics().get(0).error().error(), second.toString());
        ControllerServer newActive = controllers.stream().filter(ControllerServer::isActive).findFirst().orElseThrow();
        assertNotEquals(active.nodeId(), newActive.nodeId());
        await(() -> newActive.image().topics().topic("after-failover") != null, "the new topic is committed");
    }

    @Test
    void aRestartedControllerReloadsItsImageFromSnapshotAndLog() throws Exception {
        voters = "1@127.0.0.1:" + freePorts(1).get(0);
        Path data = dir.resolve("solo");
        MetadataQuorum.format(data, CLUSTER, 1);
        ControllerServer first = ControllerServer.builder().nodeId(1).clusterId(CLUSTER).voters(voters).dataDir(data)
                .controllerConfig(CONTROLLER_CONFIG).snapshotEveryRecords(20).build();
        controllers.add(first);
        first.start();
        await(first::isActive, "the only controller is active");
        for (int t = 0; t < 10; t++) {
            ControllerApi.CreateTopicsReply reply = first.api().createTopics(new ControllerApi.CreateTopicsRequest(
                    List.of(new ControllerApi.NewTopic("t" + t, 4, -1, java.util.Map.of(), java.util.Map.of())), false))
                    .get(30, TimeUnit.SECONDS);
            // No broker is registered: replication factor 1 cannot be placed, and the error says so.
            assertEquals(ControllerError.INVALID_REPLICATION_FACTOR, reply.topics().get(0).error().error());
        }
        MetadataQuorum.format(dir.resolve("broker-7"), CLUSTER, 7);
        BrokerServer broker = startBroker(7);
        brokers.add(broker);
        broker.unfenced().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        for (int t = 0; t < 10; t++) {
            first.api().createTopics(new ControllerApi.CreateTopicsRequest(
                    List.of(ControllerApi.NewTopic.of("t" + t, 4, 1)), false)).get(30, TimeUnit.SECONDS);
        }
        await(() -> first.image().topics().byName().size() == 10, "ten topics committed");
        Path logDir = data.resolve(MetadataQuorum.LOG_DIR_NAME);
        await(() -> {
            try (var files = java.nio.file.Files.list(logDir)) {
                return files.anyMatch(f -> f.getFileName().toString().endsWith(".checkpoint"));
            } catch (IOException e) {
                return false;
            }
        }, "a controller snapshot is written");
        brokers.remove(broker);
        broker.close();
        await(() -> first.image().cluster().broker(7).fenced(), "the stopped broker is fenced");
        MetadataImage before = first.image();
        first.close();
        controllers.remove(first);

        ControllerServer second = ControllerServer.builder().nodeId(1).clusterId(CLUSTER).voters(voters).dataDir(data)
                .controllerConfig(CONTROLLER_CONFIG).build();
        controllers.add(second);
        second.start();
        await(() -> second.image().endOffset() >= before.endOffset(), "the restarted controller replays to "
                + before.endOffset());
        assertEquals(before.topics(), second.image().topics());
        assertEquals(before.configs(), second.image().configs());
        assertEquals(before.cluster().brokers().keySet(), second.image().cluster().brokers().keySet());
    }

    private BrokerServer startBroker(int id) {
        BrokerServer broker = BrokerServer.builder().nodeId(id).clusterId(CLUSTER).voters(voters)
                .dataDir(dir.resolve("broker-" + id)).endpoint(new Endpoint("PLAINTEXT", "127.0.0.1", 9000 + id))
                .heartbeatIntervalMs(300).controlledShutdownTimeoutMs(20_000).build();
        broker.start();
        return broker;
    }

    private static double gauge(ControllerServer controller, String name) {
        return controller.meterRegistry().get("kraftlet.controller." + name).gauge().value();
    }

    private static TopicImage topic(MetadataImage image) {
        return image.topics().topic("topic-p3r3");
    }
}
