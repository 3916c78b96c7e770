package io.kraftlet.examples.client;

import io.kraftlet.replication.ReplicationError;
import java.util.List;
import java.util.Objects;

/**
 * A consumer's answer from a partition leader: committed records from the requested offset, or
 * an error (with the leader's log range for OFFSET_OUT_OF_RANGE).
 *
 * @param records in offset order, the first at the requested offset; empty with an error or
 *     when nothing new is committed
 * @param highWatermark the leader's HW, or -1 when unknown
 * @param logStartOffset the leader's log start offset, or -1 when unknown
 * @param message why, for an error; empty on success
 */
public record FetchResult(ReplicationError error, List<ConsumedRecord> records, long highWatermark,
        long logStartOffset, String message) {
    public FetchResult {
        Objects.requireNonNull(error, "error");
        records = List.copyOf(records);
        Objects.requireNonNull(message, "message");
        if (error != ReplicationError.NONE && !records.isEmpty()) {
            throw new IllegalArgumentException(error + " answer carries records");
        }
    }

    public boolean isSuccess() {
        return error == ReplicationError.NONE;
    }

    /** One record as a consumer reads it: its offset and value. */
    public record ConsumedRecord(long offset, byte[] value) {
        public ConsumedRecord {
            Objects.requireNonNull(value, "value");
        }
    }
}
