package io.kraftlet.raft.message;

/** A request; every request names the cluster it belongs to, and a mismatch is refused. */
public sealed interface RaftRequest extends RaftMessage
        permits VoteRequest, BeginQuorumEpochRequest, EndQuorumEpochRequest, FetchRequest, FetchSnapshotRequest {
    String clusterId();
}
