package io.kraftlet.examples.process;

import io.kraftlet.controller.ControllerApi.PartitionDescription;
import io.kraftlet.controller.ControllerApi.TopicDescription;
import io.kraftlet.metadata.TopicPartition;
import io.kraftlet.replication.ProduceRequest;
import io.kraftlet.replication.ProduceResult;
import io.kraftlet.replication.ReadResult;
import io.kraftlet.replication.ReplicationError;
import io.kraftlet.replication.grpc.ReplicationClient;
import io.kraftlet.replication.grpc.ReplicationRpcException;
import io.kraftlet.transport.grpc.ControllerClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

/**
 * A client of a process cluster's partition leaders, as a Kafka producer is: it learns each
 * partition's leader from the controller (DescribeTopics through a {@link ControllerClient}), and
 * sends produce and read requests over gRPC ({@link ReplicationClient}, one per broker) to that
 * leader, asking the controller again after NOT_LEADER_OR_FOLLOWER, another retriable error or a
 * broker that does not answer. Used by one test thread.
 */
final class LeaderClients implements AutoCloseable {
    /** The gRPC deadline of one attempt; an acks=all attempt waits up to its own produce timeout first. */
    private static final long CALL_SLACK_MS = 5_000;

    private final String clusterId;
    private final ControllerClient controller;
    /** Broker id → the port of its listener (which serves KRaftReplication), as the test configured it. */
    private final IntFunction<Integer> brokerPort;
    private final Map<Integer, ReplicationClient> clients = new TreeMap<>();

    LeaderClients(String clusterId, ControllerClient controller, IntFunction<Integer> brokerPort) {
        this.clusterId = clusterId;
        this.controller = controller;
        this.brokerPort = brokerPort;
    }

    /** The controller's current description of {@code topic}. */
    TopicDescription describe(String topic) {
        TopicDescription description = get(controller.describeTopics(List.of(topic)), 30_000).topics().get(0);
        if (!description.error().isSuccess()) {
            throw new AssertionError("DescribeTopics " + topic + ": " + description);
        }
        return description;
    }

    /**
     * One produce attempt at the partition's current leader: the broker's answer, or empty when
     * there is no leader or it does not answer (its process is down, or the call timed out).
     */
    Optional<ProduceResult> tryProduce(TopicPartition tp, List<byte[]> records, int acks, long timeoutMs) {
        Optional<ReplicationClient> leader = leaderClient(tp);
        if (leader.isEmpty()) {
            return Optional.empty();
        }
        CompletableFuture<ProduceResult> answer = leader.get().produce(new ProduceRequest(tp, records, acks, timeoutMs),
                timeoutMs + CALL_SLACK_MS);
        return answered(answer, timeoutMs + 2 * CALL_SLACK_MS);
    }

    /**
     * Produces until the leader acknowledges, retrying (with fresh metadata) on retriable errors
     * and unanswered calls until {@code timeout}; returns the acknowledged base offset.
     */
    long produce(TopicPartition tp, List<byte[]> records, int acks, long timeoutMs, Duration timeout,
            java.util.function.Supplier<String> diagnostics) {
        StringBuilder attempts = new StringBuilder();
        return Poll.value("an acknowledged acks=" + acks + " produce to " + tp, timeout,
                () -> "attempts: " + attempts + "\n" + diagnostics.get(), () -> {
                    Optional<ProduceResult> result = tryProduce(tp, records, acks, timeoutMs);
                    if (result.isEmpty()) {
                        attempts.append("no answer; ");
                        return Optional.empty();
                    }
                    if (result.get().isSuccess()) {
                        return Optional.of(result.get().baseOffset());
                    }
                    if (!result.get().error().retriable()) {
                        throw new AssertionError("produce to " + tp + " refused: " + result.get());
                    }
                    attempts.append(result.get().error()).append("; ");
                    return Optional.empty();
                });
    }

    /** Reads committed batches of {@code tp} from {@code offset} at its current leader. */
    ReadResult read(TopicPartition tp, long offset, int maxBytes) {
        ReplicationClient leader = leaderClient(tp).orElseThrow(() -> new AssertionError(tp + " has no leader"));
        ReadResult result = get(leader.read(tp, offset, maxBytes, 10_000), 15_000);
        if (result.error() != ReplicationError.NONE) {
            throw new AssertionError("read " + tp + " at " + offset + ": " + result);
        }
        return result;
    }

    @Override
    public void close() {
        clients.values().forEach(ReplicationClient::close);
    }

    private Optional<ReplicationClient> leaderClient(TopicPartition tp) {
        PartitionDescription partition = describe(tp.topic()).partitions().get(tp.partition());
        if (partition.leader() < 0) {
            return Optional.empty();
        }
        return Optional.of(clients.computeIfAbsent(partition.leader(), id -> ReplicationClient.builder()
                .clusterId(clusterId).target("127.0.0.1", brokerPort.apply(id)).build()));
    }

    private static <T> Optional<T> answered(CompletableFuture<T> future, long waitMs) {
        try {
            return Optional.of(future.get(waitMs, TimeUnit.MILLISECONDS));
        } catch (ExecutionException failed) {
            if (failed.getCause() instanceof ReplicationRpcException) {
                return Optional.empty(); // the broker is down or slow: the caller asks the controller again
            }
            throw new AssertionError("call failed", failed.getCause());
        } catch (TimeoutException noAnswer) {
            return Optional.empty();
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new AssertionError(interrupted);
        }
    }

    private static <T> T get(CompletableFuture<T> future, long waitMs) {
        return answered(future, waitMs).orElseThrow(() -> new AssertionError("no answer within " + waitMs + " ms"));
    }
}
