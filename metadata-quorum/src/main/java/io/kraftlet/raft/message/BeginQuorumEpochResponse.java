package io.kraftlet.raft.message;

public record BeginQuorumEpochResponse(long correlationId, Errors error, int leaderId, int leaderEpoch)
        implements RaftResponse {
}
