package io.kraftlet.raft.message;

import io.kraftlet.raft.SnapshotId;

/** One chunk of a snapshot; the fetcher is done when {@code position + chunk.length == size}. */
public record FetchSnapshotResponse(long correlationId, Errors error, int leaderId, int leaderEpoch,
        SnapshotId snapshotId, long size, long position, byte[] chunk) implements RaftResponse {
    public static FetchSnapshotResponse error(long correlationId, Errors error, int leaderId, int leaderEpoch,
            SnapshotId snapshotId) {
        return new FetchSnapshotResponse(correlationId, error, leaderId, leaderEpoch, snapshotId, -1, -1, new byte[0]);
    }
}
