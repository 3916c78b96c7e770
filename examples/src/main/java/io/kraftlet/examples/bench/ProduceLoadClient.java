package io.kraftlet.examples.bench;

import io.kraftlet.metadata.TopicPartition;
import io.kraftlet.replication.ProduceAcks;
import io.kraftlet.replication.ProduceRequest;
import io.kraftlet.replication.ProduceResult;
import io.kraftlet.replication.grpc.ReplicationClient;
import io.kraftlet.transport.grpc.HostPort;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The producer of {@code bench produce}, in the client process: one {@link ReplicationClient}
 * per leader broker, requests of {@link ProduceBenchOptions#batchRecords()} records sent
 * round-robin over the partitions, {@code inFlight × partitions} of them in flight at once by a
 * {@link ClosedLoopLoad}, which also measures (per-request latency from sending to the answer).
 *
 * <p>Before the load starts, each leader is probed with acks=1 requests until it answers: a
 * broker takes the lead of a partition only once its metadata image says so. During the run any
 * error fails it: the leaders are known and healthy, so an error means something moved.
 *
 * <p>Used from one thread; answers arrive on the clients' threads, which the load never blocks.
 */
final class ProduceLoadClient implements AutoCloseable {
    /** How long an acks=all request may wait at the leader for the ISR. */
    static final long PRODUCE_TIMEOUT_MS = 30_000;
    /** The gRPC deadline of a request: the produce timeout and room for the answer. */
    private static final long CALL_TIMEOUT_MS = PRODUCE_TIMEOUT_MS + 5_000;
    /** How long a leader may take to serve its partition after the controller named it. */
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(60);
    private static final long PROBE_PAUSE_MS = 50;

    private final String topic;
    private final ProduceBenchOptions options;
    /** Partition → the client of its leader. */
    private final Map<Integer, ReplicationClient> leaders = new TreeMap<>();
    private final List<ReplicationClient> clients = new ArrayList<>();
    private final AtomicLong requests = new AtomicLong();

    /**
     * @param leaders partition → {@code host:port} of its leader's listener
     */
    ProduceLoadClient(String clusterId, String topic, Map<Integer, String> leaders, ProduceBenchOptions options) {
        this.topic = topic;
        this.options = options;
        if (leaders.size() != options.partitions()) {
            throw new IllegalArgumentException(leaders.size() + " leaders for " + options.partitions() + " partitions");
        }
        Map<String, ReplicationClient> byAddress = new HashMap<>();
        leaders.forEach((partition, address) -> this.leaders.put(partition, byAddress.computeIfAbsent(address, a -> {
            HostPort hostPort = HostPort.parse(a);
            ReplicationClient client = ReplicationClient.builder().clusterId(clusterId)
                    .target(hostPort.host(), hostPort.port()).build();
            clients.add(client);
            return client;
        })));
    }

    /** Probes every leader, then drives the warm-up and the measured window; blocks until done. */
    ProduceBenchResult run() throws InterruptedException {
        for (int partition : leaders.keySet()) {
            probe(partition);
        }
        ClosedLoopLoad load = new ClosedLoopLoad(this::produce, options.loadOptions(), 0);
        return ProduceBenchResult.of(load.run(), options);
    }

    /** One request to the next partition; fails with the leader's error unless acknowledged. */
    private CompletableFuture<Long> produce(List<byte[]> records) {
        int partition = (int) (requests.getAndIncrement() % options.partitions());
        TopicPartition tp = new TopicPartition(topic, partition);
        return leaders.get(partition).produce(new ProduceRequest(tp, records, options.acks(), PRODUCE_TIMEOUT_MS),
                CALL_TIMEOUT_MS).thenApply(result -> {
                    if (!result.isSuccess()) {
                        throw new CompletionException(new IllegalStateException(tp + " answered " + result.error()
                                + " " + result.message()));
                    }
                    return result.baseOffset();
                });
    }

    private void probe(int partition) throws InterruptedException {
        TopicPartition tp = new TopicPartition(topic, partition);
        long deadline = System.nanoTime() + PROBE_TIMEOUT.toNanos();
        String last = "no answer yet";
        while (System.nanoTime() < deadline) {
            try {
                ProduceResult result = leaders.get(partition).produce(new ProduceRequest(tp, List.of(new byte[1]),
                        ProduceAcks.LEADER, PRODUCE_TIMEOUT_MS), CALL_TIMEOUT_MS).get(CALL_TIMEOUT_MS,
                        TimeUnit.MILLISECONDS);
                if (result.isSuccess()) {
                    return;
                }
                last = result.error() + " " + result.message();
            } catch (ExecutionException | TimeoutException failed) {
                last = failed.toString();
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(PROBE_PAUSE_MS));
        }
        throw new BenchFailedException("the leader of " + tp + " did not take a produce within "
                + PROBE_TIMEOUT.toSeconds() + " s: " + last);
    }

    @Override
    public void close() {
        clients.forEach(ReplicationClient::close);
    }
}
