package io.kraftlet.raft.message;

/** The answer to a {@link VoteRequest}; {@code preVote} echoes the request's flag. */
public record VoteResponse(long correlationId, Errors error, int leaderId, int leaderEpoch,
        boolean voteGranted, boolean preVote) implements RaftResponse {
}
