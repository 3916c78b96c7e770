package io.kraftlet.raft.message;

import java.util.List;

/**
 * Sent by a leader that resigns. {@code preferredSuccessors} lists voters best placed to take
 * over (most caught up first); a voter earlier in the list starts its election sooner.
 */
public record EndQuorumEpochRequest(String clusterId, long correlationId, int leaderId, int leaderEpoch,
        List<Integer> preferredSuccessors) implements RaftRequest {
    public EndQuorumEpochRequest {
        preferredSuccessors = List.copyOf(preferredSuccessors);
    }
}
