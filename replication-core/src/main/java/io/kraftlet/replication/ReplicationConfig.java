package io.kraftlet.replication;

/**
 * The broker's replication settings, with Kafka's names and defaults (DESIGN.md §5). The
 * topic-level {@code min.insync.replicas} and {@code unclean.leader.election.enable}, when set in
 * the metadata image, override the broker defaults held here.
 *
 * @param replicaLagTimeMaxMs {@code replica.lag.time.max.ms}: a follower not caught up for this long leaves the ISR
 * @param replicaFetchWaitMaxMs {@code replica.fetch.wait.max.ms}: how long a leader parks a fetch without records
 * @param replicaFetchMaxBytes {@code replica.fetch.max.bytes}: record bytes asked per partition
 * @param replicaFetchResponseMaxBytes {@code replica.fetch.response.max.bytes}: record bytes per fetch answer
 * @param replicaFetchBackoffMs {@code replica.fetch.backoff.ms}: pause after a failed or refused fetch
 * @param minInsyncReplicas {@code min.insync.replicas}, the broker default
 * @param uncleanLeaderElectionEnable {@code unclean.leader.election.enable}, the broker default
 * @param messageMaxBytes {@code message.max.bytes}: the largest produce request (sum of record bytes)
 * @param maxWaitingProducesPerPartition acks=all requests that may wait for the HW per partition
 * @param alterPartitionRetryBackoffMs pause before an AlterPartition is sent again after a retriable failure
 */
public record ReplicationConfig(long replicaLagTimeMaxMs, int replicaFetchWaitMaxMs, int replicaFetchMaxBytes,
        int replicaFetchResponseMaxBytes, int replicaFetchBackoffMs, int minInsyncReplicas,
        boolean uncleanLeaderElectionEnable, int messageMaxBytes, int maxWaitingProducesPerPartition,
        int alterPartitionRetryBackoffMs) {

    public static final ReplicationConfig DEFAULT = new ReplicationConfig(30_000, 500, 1_048_576, 10_485_760, 1_000, 1,
            false, 1_048_588, 10_000, 100);

    public ReplicationConfig {
        requirePositive("replica.lag.time.max.ms", replicaLagTimeMaxMs);
        requireNonNegative("replica.fetch.wait.max.ms", replicaFetchWaitMaxMs);
        requirePositive("replica.fetch.max.bytes", replicaFetchMaxBytes);
        requirePositive("replica.fetch.response.max.bytes", replicaFetchResponseMaxBytes);
        requireNonNegative("replica.fetch.backoff.ms", replicaFetchBackoffMs);
        requirePositive("min.insync.replicas", minInsyncReplicas);
        requirePositive("message.max.bytes", messageMaxBytes);
        requirePositive("max waiting produces per partition", maxWaitingProducesPerPartition);
        requireNonNegative("AlterPartition retry back-off", alterPartitionRetryBackoffMs);
        // A leader that parks a fetch for longer than the lag limit would shrink a follower that is waiting on it.
        if (replicaFetchWaitMaxMs >= replicaLagTimeMaxMs) {
            throw new IllegalArgumentException("replica.fetch.wait.max.ms (" + replicaFetchWaitMaxMs
                    + ") must be below replica.lag.time.max.ms (" + replicaLagTimeMaxMs + ")");
        }
    }

    public ReplicationConfig withReplicaLagTimeMaxMs(long value) {
        return new ReplicationConfig(value, replicaFetchWaitMaxMs, replicaFetchMaxBytes, replicaFetchResponseMaxBytes,
                replicaFetchBackoffMs, minInsyncReplicas, uncleanLeaderElectionEnable, messageMaxBytes,
                maxWaitingProducesPerPartition, alterPartitionRetryBackoffMs);
    }

    public ReplicationConfig withReplicaFetchWaitMaxMs(int value) {
        return new ReplicationConfig(replicaLagTimeMaxMs, value, replicaFetchMaxBytes, replicaFetchResponseMaxBytes,
                replicaFetchBackoffMs, minInsyncReplicas, uncleanLeaderElectionEnable, messageMaxBytes,
                maxWaitingProducesPerPartition, alterPartitionRetryBackoffMs);
    }

    public ReplicationConfig withReplicaFetchBackoffMs(int value) {
        return new ReplicationConfig(replicaLagTimeMaxMs, replicaFetchWaitMaxMs, replicaFetchMaxBytes,
                replicaFetchResponseMaxBytes, value, minInsyncReplicas, uncleanLeaderElectionEnable, messageMaxBytes,
                maxWaitingProducesPerPartition, alterPartitionRetryBackoffMs);
    }

    public ReplicationConfig withMinInsyncReplicas(int value) {
        return new ReplicationConfig(replicaLagTimeMaxMs, replicaFetchWaitMaxMs, replicaFetchMaxBytes,
                replicaFetchResponseMaxBytes, replicaFetchBackoffMs, value, uncleanLeaderElectionEnable, messageMaxBytes,
                maxWaitingProducesPerPartition, alterPartitionRetryBackoffMs);
    }

    public ReplicationConfig withUncleanLeaderElectionEnable(boolean value) {
        return new ReplicationConfig(replicaLagTimeMaxMs, replicaFetchWaitMaxMs, replicaFetchMaxBytes,
                replicaFetchResponseMaxBytes, replicaFetchBackoffMs, minInsyncReplicas, value, messageMaxBytes,
                maxWaitingProducesPerPartition, alterPartitionRetryBackoffMs);
    }

    public ReplicationConfig withMaxWaitingProducesPerPartition(int value) {
        return new ReplicationConfig(replicaLagTimeMaxMs, replicaFetchWaitMaxMs, replicaFetchMaxBytes,
                replicaFetchResponseMaxBytes, replicaFetchBackoffMs, minInsyncReplicas, uncleanLeaderElectionEnable,
                messageMaxBytes, value, alterPartitionRetryBackoffMs);
    }

    private static void requirePositive(String key, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(key + " must be > 0, got " + value);
        }
    }

    private static void requireNonNegative(String key, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(key + " must be >= 0, got " + value);
        }
    }
}
