package io.kraftlet.raft.message;

public record EndQuorumEpochResponse(long correlationId, Errors error, int leaderId, int leaderEpoch)
        implements RaftResponse {
}
