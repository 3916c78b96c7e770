package io.kraftlet.raft.message;

import io.kraftlet.raft.SnapshotId;

/** Asks the leader for the bytes of a snapshot from {@code position}, at most {@code maxBytes}. */
public record FetchSnapshotRequest(String clusterId, long correlationId, int replicaId, int replicaEpoch,
        SnapshotId snapshotId, long position, int maxBytes) implements RaftRequest {
}
