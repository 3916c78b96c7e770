package io.kraftlet.replication;

import io.kraftlet.raft.Batch;
import io.kraftlet.replication.log.EpochEndOffset;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A partition leader's answer to one {@link FetchPartitionRequest}: exactly one of an error, a
 * diverging epoch (the follower truncates and fetches again; no records), or records from the
 * fetch offset (possibly none) with the leader's HW.
 *
 * @param highWatermark the leader's HW after it recorded this fetch; -1 with an error
 * @param logStartOffset the leader's log start offset; -1 with an error
 * @param divergingEpoch the largest epoch the leader holds at or below the follower's last fetched
 *     epoch and where it ends in the leader's log, when the follower's log diverges from it
 * @param records whole batches starting at the fetch offset; empty unless the answer is records
 */
public record FetchPartitionResponse(FetchError error, long highWatermark, long logStartOffset,
        Optional<EpochEndOffset> divergingEpoch, List<Batch> records) {
    public static final long UNKNOWN_OFFSET = -1L;

    public FetchPartitionResponse {
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(divergingEpoch, "divergingEpoch");
        records = List.copyOf(records);
        if (error != FetchError.NONE && (divergingEpoch.isPresent() || !records.isEmpty())) {
            throw new IllegalArgumentException(error + " answer carries data");
        }
        if (divergingEpoch.isPresent() && !records.isEmpty()) {
            throw new IllegalArgumentException("a diverging-epoch answer carries no records");
        }
        if (error == FetchError.NONE && (highWatermark < 0 || logStartOffset < 0 || highWatermark < logStartOffset)) {
            throw new IllegalArgumentException("bad HW " + highWatermark + " / log start " + logStartOffset);
        }
        for (int i = 1; i < records.size(); i++) {
            // The follower appends the batches in order; a gap would leave a hole in its log.
            if (records.get(i).baseOffset() != records.get(i - 1).endOffset()) {
                throw new IllegalArgumentException("batches not contiguous: " + records);
            }
        }
    }

    public static FetchPartitionResponse ofError(FetchError error) {
        if (error == FetchError.NONE) {
            throw new IllegalArgumentException("NONE is not an error");
        }
        return new FetchPartitionResponse(error, UNKNOWN_OFFSET, UNKNOWN_OFFSET, Optional.empty(), List.of());
    }

    public static FetchPartitionResponse ofDivergingEpoch(long highWatermark, long logStartOffset,
            EpochEndOffset divergingEpoch) {
        return new FetchPartitionResponse(FetchError.NONE, highWatermark, logStartOffset, Optional.of(divergingEpoch),
                List.of());
    }

    public static FetchPartitionResponse ofRecords(long highWatermark, long logStartOffset, List<Batch> records) {
        return new FetchPartitionResponse(FetchError.NONE, highWatermark, logStartOffset, Optional.empty(), records);
    }
}
