package io.kraftlet.replication;

import io.kraftlet.raft.Batch;
import java.util.List;
import java.util.Objects;

/**
 * The answer to a client read of one partition at the leader: whole batches from the read
 * offset, none reaching the high watermark.
 *
 * @param highWatermark the leader's HW (-1 with an error other than OFFSET_OUT_OF_RANGE)
 * @param logStartOffset the leader's log start offset (same)
 * @param message what was wrong, for errors (OFFSET_OUT_OF_RANGE names the valid range)
 */
public record ReadResult(ReplicationError error, List<Batch> batches, long highWatermark, long logStartOffset,
        String message) {
    public ReadResult {
        Objects.requireNonNull(error, "error");
        batches = List.copyOf(batches);
        Objects.requireNonNull(message, "message");
        if (error != ReplicationError.NONE && !batches.isEmpty()) {
            throw new IllegalArgumentException(error + " answer carries records");
        }
    }

    public static ReadResult failed(ReplicationError error, long highWatermark, long logStartOffset, String message) {
        return new ReadResult(error, List.of(), highWatermark, logStartOffset, message);
    }
}
