package io.kraftlet.replication;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/** A leader broker's answer to one {@link ReplicaFetchRequest}: one entry per partition asked for, in order. */
public record ReplicaFetchResponse(List<PartitionData> partitions) {
    public ReplicaFetchResponse {
        partitions = List.copyOf(Objects.requireNonNull(partitions, "partitions"));
    }

    /** The answer for one partition. */
    public record PartitionData(UUID topicId, int partition, FetchPartitionResponse response) {
        public PartitionData {
            Objects.requireNonNull(topicId, "topicId");
            Objects.requireNonNull(response, "response");
        }
    }
}
