package io.kraftlet.replication;

import java.util.List;
import java.util.Objects;

/**
 * One follower broker's fetch from one leader broker, for every partition it follows there
 * (Kafka's follower FetchRequest): the leader answers at once when any partition has records
 * or an error, else parks the fetch for up to {@code maxWaitMs} ({@code replica.fetch.wait.max.ms})
 * until one does. {@code maxBytes} ({@code replica.fetch.response.max.bytes}) bounds the whole
 * answer; each partition is further bounded by its own {@link FetchPartitionRequest#maxBytes()}.
 */
public record ReplicaFetchRequest(int replicaId, long replicaBrokerEpoch, int maxWaitMs, int maxBytes,
        List<FetchPartitionRequest> partitions) {
    public ReplicaFetchRequest {
        partitions = List.copyOf(Objects.requireNonNull(partitions, "partitions"));
        if (replicaId < 0 || maxWaitMs < 0 || maxBytes < 0) {
            throw new IllegalArgumentException("bad fetch: replica=" + replicaId + " maxWaitMs=" + maxWaitMs
                    + " maxBytes=" + maxBytes);
        }
        for (FetchPartitionRequest partition : partitions) {
            if (partition.replicaId() != replicaId || partition.replicaBrokerEpoch() != replicaBrokerEpoch) {
                throw new IllegalArgumentException("partition fetch " + partition + " is not from replica " + replicaId
                        + " (broker epoch " + replicaBrokerEpoch + ")");
            }
        }
    }
}
