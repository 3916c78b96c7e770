package io.kraftlet.raft.message;

/** Sent by a new leader to every voter until each acknowledges it (or fetches from it). */
public record BeginQuorumEpochRequest(String clusterId, long correlationId, int leaderId, int leaderEpoch)
        implements RaftRequest {
}
