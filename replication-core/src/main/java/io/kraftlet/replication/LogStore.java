package io.kraftlet.replication;

import io.kraftlet.metadata.TopicPartition;
import io.kraftlet.replication.log.PartitionLog;

/**
 * The partition logs of one broker, for its {@link ReplicaManager}: a {@code LogDirectory} of
 * {@code FilePartitionLog}s in a broker, memory logs in tests and the simulation. Called on the
 * thread that owns the manager.
 */
public interface LogStore {
    /** The log of {@code partition}, created empty (and durable as an empty log) if it has none. */
    PartitionLog getOrCreate(TopicPartition partition);

    /**
     * The log of {@code partition} of the topic with id {@code topicId}. A store that remembers
     * topic ids ({@code LogDirectory}) replaces a log left by an earlier topic of the same name
     * (deleted and re-created while this broker was away) with an empty one; by default the id
     * is not checked.
     */
    default PartitionLog getOrCreate(TopicPartition partition, java.util.UUID topicId) {
        return getOrCreate(partition);
    }

    /** Closes and deletes the log of {@code partition} (its topic was deleted, or the replica moved away). */
    void delete(TopicPartition partition);

    /** The high watermark last checkpointed for {@code partition} (0 when none): where its replica starts after a restart. */
    default long checkpointedHighWatermark(TopicPartition partition) {
        return 0;
    }

    /**
     * Durably records the high watermarks of the replicas held (Kafka's
     * {@code replication-offset-checkpoint}); by default not kept.
     */
    default void checkpointHighWatermarks(java.util.Map<TopicPartition, Long> highWatermarks) {
    }
}
