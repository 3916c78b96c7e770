package io.kraftlet.examples.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.controller.ApiError;
import io.kraftlet.controller.ControllerApi;
import io.kraftlet.controller.ControllerError;
import io.kraftlet.controller.ControllerApi.PartitionDescription;
import io.kraftlet.controller.ControllerApi.TopicDescription;
import io.kraftlet.metadata.TopicPartition;
import io.kraftlet.raft.Batch;
import io.kraftlet.replication.ProduceAcks;
import io.kraftlet.replication.ProduceResult;
import io.kraftlet.replication.ReadResult;
import io.kraftlet.replication.ReplicationError;
import io.kraftlet.transport.grpc.ControllerClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The seed scenario with data, in real processes: controllers 101-103 and brokers 1-3
 * ({@code kraftlet node}, each its own JVM, each broker a {@code KraftletBroker}), and a producer
 * in this JVM that finds partition leaders through the controller and writes to them over gRPC.
 * {@code topic-p3r3} has min.insync.replicas=2. Broker 2 is SIGKILLed while acks=all records
 * flow: its ISRs shrink to {1,3} once the controller fences it and producing goes on; it
 * restarts, catches up and rejoins every ISR; with brokers 2 and 3 SIGKILLed, acks=all is refused
 * NOT_ENOUGH_REPLICAS while acks=1 still works; both restart and rejoin; and every acknowledged
 * acks=all record is read back, at the offset it was acknowledged at, from the current leader.
 */
class ReplicationSeedScenarioProcessIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String TOPIC = "topic-p3r3";
    private static final int PARTITIONS = 3;
    private static final List<Integer> CONTROLLERS = List.of(101, 102, 103);
    private static final List<Integer> BROKERS = List.of(1, 2, 3);
    /** How long a broker waits for the HW before answering an acks=all produce REQUEST_TIMED_OUT. */
    private static final long PRODUCE_TIMEOUT_MS = 5_000;

    private ProcessCluster cluster;
    private ControllerClient controller;
    private LeaderClients leaders;
    /** Acknowledged acks=all records: partition → offset → value. */
    private final Map<Integer, Map<Long, String>> acknowledged = new TreeMap<>();

    @AfterEach
    void stopEverything() {
        if (leaders != null) {
            leaders.close();
        }
        if (controller != null) {
            controller.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void acknowledgedRecordsSurviveABrokerKillAndAcksAllNeedsMinInsyncReplicas() {
        cluster = new ProcessCluster("replication-seed-scenario", CONTROLLERS, Map.of(
                "broker.session.timeout.ms", "3000",
                "broker.heartbeat.interval.ms", "300",
                "auto.leader.rebalance.enable", "false",
                "replica.lag.time.max.ms", "5000",
                "replica.fetch.backoff.ms", "100"));
        List<NodeProcess> nodes = new ArrayList<>();
        CONTROLLERS.forEach(id -> nodes.add(cluster.addNode(id, Map.of())));
        BROKERS.forEach(id -> nodes.add(cluster.addBroker(id, Map.of())));
        cluster.startAll(nodes);
        BROKERS.forEach(id -> cluster.node(id).awaitUnfenced(TIMEOUT));
        controller = ControllerClient.builder().clusterId(cluster.clusterId).controllers(cluster.voters)
                .requestTimeoutMs(1000).build();
        leaders = new LeaderClients(cluster.clusterId, controller, id -> cluster.node(id).port);

        ControllerApi.CreateTopicsReply created = get(controller.createTopics(new ControllerApi.CreateTopicsRequest(
                List.of(new ControllerApi.NewTopic(TOPIC, PARTITIONS, 3, Map.of(), Map.of("min.insync.replicas", "2"))),
                false)));
        // The client retries a CreateTopics that timed out (a loaded machine): if the first try was
        // applied, the retry answers TOPIC_ALREADY_EXISTS, and only this test creates the topic.
        assertTrue(created.topics().get(0).error().isSuccess()
                || created.topics().get(0).error().error() == ControllerError.TOPIC_ALREADY_EXISTS, created.toString());
        awaitTopic("every partition led with ISR {1,2,3}", isrs(Set.of(1, 2, 3)));
        produceRounds("all", 5);

        // SIGKILL broker 2: producing goes on (retried at the new leaders) while the controller fences it.
        cluster.node(2).kill();
        produceRounds("during-fencing", 3);
        awaitTopic("broker 2 out of every ISR and leadership", topic -> topic.partitions().stream()
                .allMatch(p -> p.leader() != 2 && isr(p).equals(Set.of(1, 3))));
        produceRounds("two", 5);

        // Broker 2 restarts, catches up and is added back to every ISR by the leaders.
        cluster.node(2).start();
        cluster.node(2).awaitUnfenced(TIMEOUT);
        awaitTopic("broker 2 back in every ISR", isrs(Set.of(1, 2, 3)));
        produceRounds("rejoined", 3);

        // Two of three brokers down: ISRs of one, below min.insync.replicas=2.
        cluster.node(2).kill();
        cluster.node(3).kill();
        awaitTopic("every ISR {1}", isrs(Set.of(1)));
        for (int p = 0; p < PARTITIONS; p++) {
            TopicPartition tp = new TopicPartition(TOPIC, p);
            awaitNotEnoughReplicas(tp);
            long offset = leaders.produce(tp, records("acks-1-" + p), ProduceAcks.LEADER, PRODUCE_TIMEOUT_MS, TIMEOUT,
                    cluster::diagnostics);
            assertTrue(offset >= 0, tp + " acks=1 still works");
        }

        // Both come back, catch up and rejoin; acks=all works again.
        cluster.node(2).start();
        cluster.node(3).start();
        cluster.node(2).awaitUnfenced(TIMEOUT);
        cluster.node(3).awaitUnfenced(TIMEOUT);
        awaitTopic("brokers 2 and 3 back in every ISR", isrs(Set.of(1, 2, 3)));
        produceRounds("after-rejoin", 2);

        for (int p = 0; p < PARTITIONS; p++) {
            assertEveryAcknowledgedRecordReadBack(p);
        }
    }

    /** Writes one acks=all record to every partition, {@code rounds} times, remembering what was acknowledged where. */
    private void produceRounds(String prefix, int rounds) {
        for (int round = 0; round < rounds; round++) {
            for (int p = 0; p < PARTITIONS; p++) {
                String value = prefix + "-" + round + "-" + p;
                long offset = leaders.produce(new TopicPartition(TOPIC, p), records(value), ProduceAcks.ALL,
                        PRODUCE_TIMEOUT_MS, TIMEOUT, cluster::diagnostics);
                acknowledged.computeIfAbsent(p, k -> new TreeMap<>()).put(offset, value);
            }
        }
    }

    /**
     * The leader's own image may trail the controller's by a moment: until it holds the ISR of
     * one, an acks=all request is appended and then times out or fails after the append, and
     * until it holds its leadership it answers NOT_LEADER_OR_FOLLOWER.
     */
    private void awaitNotEnoughReplicas(TopicPartition tp) {
        Poll.until(tp + " acks=all answered NOT_ENOUGH_REPLICAS", TIMEOUT, cluster::diagnostics, () -> {
            Optional<ProduceResult> result = leaders.tryProduce(tp, records("refused"), ProduceAcks.ALL, 1000);
            if (result.isEmpty() || result.get().error() == ReplicationError.NOT_ENOUGH_REPLICAS) {
                return result.isPresent();
            }
            assertTrue(result.get().error() == ReplicationError.REQUEST_TIMED_OUT
                    || result.get().error() == ReplicationError.NOT_ENOUGH_REPLICAS_AFTER_APPEND
                    || result.get().error() == ReplicationError.NOT_LEADER_OR_FOLLOWER,
                    "acks=all with the ISR shrinking: " + result.get());
            return false;
        });
    }

    private void assertEveryAcknowledgedRecordReadBack(int p) {
        TopicPartition tp = new TopicPartition(TOPIC, p);
        Map<Long, String> expected = acknowledged.get(p);
        Map<Long, String> read = new TreeMap<>();
        long offset = 0;
        long last = expected.keySet().stream().mapToLong(Long::longValue).max().orElse(-1);
        while (offset <= last) {
            ReadResult result = leaders.read(tp, offset, 1 << 20);
            assertTrue(!result.batches().isEmpty(), tp + ": nothing to read at " + offset + ", HW "
                    + result.highWatermark() + ", expected up to " + last);
            for (Batch batch : result.batches()) {
                for (int i = 0; i < batch.records().size(); i++) {
                    read.put(batch.baseOffset() + i, new String(batch.records().get(i), StandardCharsets.UTF_8));
                }
                offset = batch.endOffset();
            }
        }
        for (Map.Entry<Long, String> record : expected.entrySet()) {
            assertEquals(record.getValue(), read.get(record.getKey()), tp + " offset " + record.getKey());
        }
    }

    private static Predicate<TopicDescription> isrs(Set<Integer> isr) {
        return topic -> topic.partitions().size() == PARTITIONS
                && topic.partitions().stream().allMatch(p -> p.leader() >= 0 && isr(p).equals(isr));
    }

    private TopicDescription awaitTopic(String what, Predicate<TopicDescription> condition) {
        return Poll.value(what, TIMEOUT, cluster::diagnostics,
                () -> Optional.of(leaders.describe(TOPIC)).filter(condition));
    }

    private static Set<Integer> isr(PartitionDescription partition) {
        return Set.copyOf(partition.isr());
    }

    private static List<byte[]> records(String value) {
        return List.of(value.getBytes(StandardCharsets.UTF_8));
    }

    private static <T> T get(java.util.concurrent.CompletableFuture<T> future) {
        try {
            return future.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception failed) {
            throw new AssertionError("controller call failed", failed);
        }
    }
}
