package io.kraftlet.sim;

import io.kraftlet.metadata.TopicPartition;
import io.kraftlet.replication.LogStore;
import io.kraftlet.replication.log.MemoryPartitionLog;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The partition logs of one simulated broker, and its HW checkpoint. They outlive its
 * incarnations: a power cut loses each log's unflushed tail ({@link MemoryPartitionLog#crash()}),
 * a clean stop flushes first; the checkpoint is durable when written.
 * Every truncation is reported to the {@link ReplicationInvariantChecker} before it happens.
 */
final class SimLogStore implements LogStore {
    private final int brokerId;
    private final ReplicationInvariantChecker checker;
    private final Map<TopicPartition, MemoryPartitionLog> logs = new LinkedHashMap<>();
    /** The last HW checkpoint; written whole and durable at once, as Kafka's replication-offset-checkpoint. */
    private Map<TopicPartition, Long> checkpoint = Map.of();

    SimLogStore(int brokerId, ReplicationInvariantChecker checker) {
        this.brokerId = brokerId;
        this.checker = checker;
    }

    @Override
    public MemoryPartitionLog getOrCreate(TopicPartition partition) {
        return logs.computeIfAbsent(partition, tp -> new MemoryPartitionLog(
                (offset, removed) -> checker.onTruncate(brokerId, tp, offset)));
    }

    @Override
    public void delete(TopicPartition partition) {
        logs.remove(partition);
        checker.onLogReset(brokerId, partition);
    }

    @Override
    public long checkpointedHighWatermark(TopicPartition partition) {
        return checkpoint.getOrDefault(partition, 0L);
    }

    @Override
    public void checkpointHighWatermarks(Map<TopicPartition, Long> highWatermarks) {
        checkpoint = Map.copyOf(highWatermarks);
    }

    /** The log of {@code partition}, or null if this broker never held one. */
    MemoryPartitionLog log(TopicPartition partition) {
        return logs.get(partition);
    }

    /** A power cut: every log keeps only what a flush covered. */
    void crash() {
        for (Map.Entry<TopicPartition, MemoryPartitionLog> entry : logs.entrySet()) {
            entry.getValue().crash();
            checker.onLogReset(brokerId, entry.getKey());
        }
    }

    /** A clean stop: everything appended becomes durable. */
    void flushAll() {
        for (MemoryPartitionLog log : logs.values()) {
            log.flush();
        }
    }
}
