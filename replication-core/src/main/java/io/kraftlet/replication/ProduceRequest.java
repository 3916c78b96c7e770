package io.kraftlet.replication;

import io.kraftlet.metadata.TopicPartition;
import java.util.List;
import java.util.Objects;

/**
 * A client's write to one partition: {@code records} become one batch at the leader.
 *
 * @param acks 0, 1 or -1 (all); anything else is answered INVALID_REQUIRED_ACKS
 * @param timeoutMs how long an acks=all request waits for the HW before REQUEST_TIMED_OUT
 */
public record ProduceRequest(TopicPartition topicPartition, List<byte[]> records, int acks, long timeoutMs) {
    public ProduceRequest {
        Objects.requireNonNull(topicPartition, "topicPartition");
        records = List.copyOf(Objects.requireNonNull(records, "records"));
    }

    public int sizeInBytes() {
        int size = 0;
        for (byte[] record : records) {
            size += record.length;
        }
        return size;
    }
}
