package io.kraftlet.examples.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.controller.ApiError;
import io.kraftlet.controller.ControllerApi;
import io.kraftlet.controller.ControllerError;
import io.kraftlet.controller.ControllerApi.DescribeClusterReply;
import io.kraftlet.controller.ControllerApi.PartitionDescription;
import io.kraftlet.controller.ControllerApi.TopicDescription;
import io.kraftlet.controller.ControllerApi.ZkNode;
import io.kraftlet.controller.ElectionType;
import io.kraftlet.image.BrokerRegistration;
import io.kraftlet.transport.grpc.ControllerClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The seed scenario of issue 4 with real processes: controllers 101-103 and brokers 1-3, each its
 * own JVM, driven from this JVM over real gRPC with a {@link ControllerClient}. Topic
 * {@code topic-p3r3} is created; broker 2 is killed with SIGKILL and so is the active controller
 * right after it; once the session times out broker 2 leads nothing and is in no ISR, and the
 * ZooKeeper-shaped view says the same; broker 2 restarts with a larger epoch and the partition
 * leaders add it back to every ISR (AlterPartition from replication-core's leaders); a preferred
 * election puts every partition back on its first replica. {@link ReplicationSeedScenarioProcessIT}
 * runs the same cluster with data.
 */
class SeedScenarioProcessIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String TOPIC = "topic-p3r3";
    private static final List<Integer> CONTROLLERS = List.of(101, 102, 103);
    private static final List<Integer> BROKERS = List.of(1, 2, 3);
    private static final Pattern STATE = Pattern.compile(
            "\\{\"controller_epoch\":(\\d+),\"leader\":(-?\\d+),\"version\":(\\d+),\"leader_epoch\":(\\d+),\"isr\":\\[([0-9,]*)]}");
    private static final Pattern CONTROLLER = Pattern.compile("\\{\"version\":1,\"brokerid\":(\\d+),\"timestamp\":\"(-?\\d+)\"}");
    private static final Pattern ACTIVE_CONTROLLER_COUNT = Pattern.compile(
            "^kraftlet_controller_ActiveControllerCount\\{[^}]*} ([0-9.]+)$", Pattern.MULTILINE);

    private ProcessCluster cluster;
    private ControllerClient client;
    private final Map<Integer, Integer> metricsPorts = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @AfterEach
    void stopEverything() {
        if (client != null) {
            client.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aKilledBrokerIsFencedThroughAControllerFailoverAndComesBackAsPreferredLeader() {
        cluster = new ProcessCluster("seed-scenario", CONTROLLERS, Map.of(
                "broker.session.timeout.ms", "3000",
                "broker.heartbeat.interval.ms", "300",
                // Only this test's preferred election moves leaders back.
                "auto.leader.rebalance.enable", "false"));
        List<NodeProcess> nodes = new ArrayList<>();
        List<Integer> ports = ProcessCluster.freePorts(CONTROLLERS.size());
        for (int i = 0; i < CONTROLLERS.size(); i++) {
            metricsPorts.put(CONTROLLERS.get(i), ports.get(i));
            nodes.add(cluster.addNode(CONTROLLERS.get(i), Map.of("metrics.port", Integer.toString(ports.get(i)))));
        }
        BROKERS.forEach(id -> nodes.add(cluster.addBroker(id, Map.of())));
        cluster.startAll(nodes);
        BROKERS.forEach(id -> cluster.node(id).awaitUnfenced(TIMEOUT));
        client = ControllerClient.builder().clusterId(cluster.clusterId).controllers(cluster.voters)
                .requestTimeoutMs(1000).build();

        // Created: every partition has a leader and the full ISR.
        ControllerApi.CreateTopicsReply created = get(client.createTopics(new ControllerApi.CreateTopicsRequest(
                List.of(ControllerApi.NewTopic.of(TOPIC, 3, 3)), false)));
        // The client retries a CreateTopics that timed out (a loaded machine): if the first try was
        // applied, the retry answers TOPIC_ALREADY_EXISTS, and only this test creates the topic.
        assertTrue(created.topics().get(0).error().isSuccess()
                || created.topics().get(0).error().error() == ControllerError.TOPIC_ALREADY_EXISTS, created.toString());
        TopicDescription before = awaitTopic("every partition led with ISR {1,2,3}", topic -> topic.partitions().size() == 3
                && topic.partitions().stream().allMatch(p -> p.leader() >= 1 && isr(p).equals(Set.of(1, 2, 3))));
        int oldActive = awaitActiveController(CONTROLLERS);
        long oldEpoch = broker(get(client.describeCluster()), 2).epoch();

        // SIGKILL broker 2, then the active controller.
        cluster.node(2).kill();
        cluster.node(oldActive).kill();
        List<Integer> survivors = CONTROLLERS.stream().filter(id -> id != oldActive).toList();
        int newActive = awaitActiveController(survivors);
        assertNotEquals(oldActive, newActive);
        TopicDescription fenced = awaitTopic("broker 2 out of every ISR and leadership", topic ->
                topic.partitions().stream().allMatch(p -> p.leader() != 2 && p.leader() >= 1 && isr(p).equals(Set.of(1, 3))));
        for (PartitionDescription partition : fenced.partitions()) {
            PartitionDescription old = before.partitions().get(partition.partition());
            if (old.leader() == 2) {
                assertTrue(partition.leaderEpoch() > old.leaderEpoch(), "leader epoch bumped: " + old + " -> " + partition);
            }
            assertTrue(partition.partitionEpoch() > old.partitionEpoch(), "partition epoch bumped: " + partition);
        }
        assertEquals(List.of("1", "3"), get(client.readZkPath("/brokers/ids")).children());
        awaitZkViewMatchesImage(newActive);

        // Broker 2 comes back with a new incarnation and a larger epoch, and is unfenced.
        cluster.node(2).start();
        long newEpoch = cluster.node(2).awaitUnfenced(TIMEOUT);
        assertTrue(newEpoch > oldEpoch, "broker 2 re-registered with a larger epoch: " + oldEpoch + " -> " + newEpoch);
        Poll.value("describeCluster to show broker 2 unfenced at epoch " + newEpoch,
                TIMEOUT, cluster::diagnostics, () -> Optional.of(get(client.describeCluster()))
                        .filter(reply -> broker(reply, 2).epoch() == newEpoch && !broker(reply, 2).fenced()));
        assertEquals(List.of("1", "2", "3"), get(client.readZkPath("/brokers/ids")).children());

        // Each partition's leader (a KraftletBroker) sees broker 2 caught up and adds it back with AlterPartition.
        awaitTopic("the leaders to add broker 2 back to every ISR", topic ->
                topic.partitions().stream().allMatch(p -> isr(p).equals(Set.of(1, 2, 3))));

        // A preferred election puts every partition back on its first replica.
        ControllerApi.ElectLeadersReply elected = get(client.electLeaders(
                new ControllerApi.ElectLeadersRequest(ElectionType.PREFERRED, List.of())));
        assertEquals(ApiError.NONE, elected.error(), elected.toString());
        TopicDescription after = awaitTopic("every partition led by its first replica with ISR {1,2,3}", topic ->
                topic.partitions().stream().allMatch(p -> p.leader() == p.replicas().get(0) && isr(p).equals(Set.of(1, 2, 3))));
        assertEquals(before.partitions().stream().map(PartitionDescription::replicas).toList(),
                after.partitions().stream().map(PartitionDescription::replicas).toList());
        awaitZkViewMatchesImage(awaitActiveController(survivors));
    }

    /**
     * Waits until the controller that answers agrees, through the Prometheus endpoints of the
     * running controllers and {@code /controller}, that exactly one controller of {@code among}
     * is active, and returns its id.
     */
    private int awaitActiveController(List<Integer> among) {
        return Poll.value("exactly one active controller among " + among, TIMEOUT, cluster::diagnostics, () -> {
            List<Integer> active = among.stream().filter(id -> activeControllerCount(id) == 1).toList();
            if (active.size() != 1) {
                return Optional.empty();
            }
            ZkNode controller = get(client.readZkPath("/controller"));
            if (!controller.error().isSuccess()) {
                return Optional.empty();
            }
            Matcher json = CONTROLLER.matcher(controller.data());
            assertTrue(json.matches(), controller.data());
            return Integer.parseInt(json.group(1)) == active.get(0) ? Optional.of(active.get(0)) : Optional.empty();
        });
    }

    /** {@code kraftlet_controller_ActiveControllerCount} on a controller's Prometheus endpoint, or -1 if it does not answer. */
    private int activeControllerCount(int controllerId) {
        if (!cluster.node(controllerId).isAlive()) {
            return -1;
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPorts.get(controllerId)
                + "/metrics")).timeout(Duration.ofSeconds(2)).build();
        try {
            String scrape = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
            Matcher count = ACTIVE_CONTROLLER_COUNT.matcher(scrape);
            assertTrue(count.find(), "no ActiveControllerCount on controller " + controllerId + ":\n" + scrape);
            return (int) Double.parseDouble(count.group(1));
        } catch (java.io.IOException notYet) {
            return -1;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new AssertionError(interrupted);
        }
    }

    /**
     * The ZooKeeper-shaped view agrees with the image: each partition's state JSON names the
     * leader, leader epoch and ISR the controller describes, and the controller epoch of the
     * active controller; the topic JSON lists the replicas.
     */
    private void awaitZkViewMatchesImage(int activeId) {
        Poll.until("the ZooKeeper-shaped view to match the image", TIMEOUT, cluster::diagnostics, () -> {
            DescribeClusterReply described = get(client.describeCluster());
            TopicDescription topic = topic();
            if (described.controller() == null || described.controller().controllerId() != activeId
                    || !topic.error().isSuccess()) {
                return false;
            }
            StringBuilder replicas = new StringBuilder();
            for (PartitionDescription partition : topic.partitions()) {
                String path = "/brokers/topics/" + TOPIC + "/partitions/" + partition.partition() + "/state";
                String json = get(client.readZkPath(path)).data();
                Matcher state = STATE.matcher(json);
                assertTrue(state.matches(), path + ": " + json);
                assertEquals("1", state.group(3), path + " version");
                if (Integer.parseInt(state.group(1)) != described.controller().epoch()
                        || Integer.parseInt(state.group(2)) != partition.leader()
                        || Integer.parseInt(state.group(4)) != partition.leaderEpoch()
                        || !ints(state.group(5)).equals(partition.isr())) {
                    return false;
                }
                replicas.append(replicas.length() == 0 ? "" : ",").append('"').append(partition.partition())
                        .append("\":").append(partition.replicas().toString().replace(" ", ""));
            }
            String topicJson = get(client.readZkPath("/brokers/topics/" + TOPIC)).data();
            assertTrue(topicJson.startsWith("{\"partitions\":{" + replicas + "},\"topic_id\":\""), topicJson);
            return true;
        });
    }

    private TopicDescription awaitTopic(String what, Predicate<TopicDescription> condition) {
        return Poll.value(what, TIMEOUT, cluster::diagnostics, () -> Optional.of(topic())
                .filter(topic -> topic.error().isSuccess() && condition.test(topic)));
    }

    /** The topic as a controller describes it: a standby may not have replayed its creation yet. */
    private TopicDescription topic() {
        return get(client.describeTopics(List.of(TOPIC))).topics().get(0);
    }

    private static BrokerRegistration broker(DescribeClusterReply reply, int id) {
        assertEquals(ApiError.NONE, reply.error(), reply.toString());
        return reply.brokers().stream().filter(broker -> broker.id() == id).findFirst()
                .orElseThrow(() -> new AssertionError("broker " + id + " is not registered: " + reply));
    }

    private static Set<Integer> isr(PartitionDescription partition) {
        return Set.copyOf(partition.isr());
    }

    private static List<Integer> ints(String commaSeparated) {
        return commaSeparated.isEmpty() ? List.of()
                : Arrays.stream(commaSeparated.split(",")).map(Integer::parseInt).toList();
    }

    private static <T> T get(CompletableFuture<T> future) {
        try {
            return future.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new AssertionError(interrupted);
        } catch (ExecutionException | TimeoutException failed) {
            throw new AssertionError("controller call failed", failed);
        }
    }
}
