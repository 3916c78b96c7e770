package io.kraftlet.raft.message;

import io.kraftlet.raft.Batch;
import io.kraftlet.raft.OffsetAndEpoch;
import io.kraftlet.raft.SnapshotId;
import java.util.List;
import java.util.Optional;

/**
 * The leader's answer to a {@link FetchRequest}: at most one of batches, a diverging epoch
 * (the fetcher truncates to its end and fetches again) or a snapshot id (the fetcher loads
 * that snapshot with FetchSnapshot).
 */
public record FetchResponse(long correlationId, Errors error, int leaderId, int leaderEpoch,
        long highWatermark, long logStartOffset, List<Batch> batches,
        Optional<OffsetAndEpoch> divergingEpoch, Optional<SnapshotId> snapshotId) implements RaftResponse {
    public FetchResponse {
        batches = List.copyOf(batches);
    }

    public static FetchResponse error(long correlationId, Errors error, int leaderId, int leaderEpoch) {
        return new FetchResponse(correlationId, error, leaderId, leaderEpoch, -1, -1, List.of(),
                Optional.empty(), Optional.empty());
    }
}
