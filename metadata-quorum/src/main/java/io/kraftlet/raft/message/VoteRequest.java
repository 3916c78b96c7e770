package io.kraftlet.raft.message;

/**
 * Asks for a vote (or, with {@code preVote}, for a non-binding pre-vote) for
 * {@code candidateId} in {@code candidateEpoch}. A pre-vote carries the epoch the candidate
 * would use (its current epoch + 1) and changes no state on the receiver.
 */
public record VoteRequest(String clusterId, long correlationId, int candidateId, int candidateEpoch,
        int lastOffsetEpoch, long lastOffset, boolean preVote) implements RaftRequest {
}
