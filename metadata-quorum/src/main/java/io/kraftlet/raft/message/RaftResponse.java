package io.kraftlet.raft.message;

/**
 * A response. Every response carries the leader and epoch the responder knows, so a node that
 * is behind learns the current epoch from any exchange.
 */
public sealed interface RaftResponse extends RaftMessage
        permits VoteResponse, BeginQuorumEpochResponse, EndQuorumEpochResponse, FetchResponse, FetchSnapshotResponse {
    Errors error();

    /** The leader the responder knows for {@link #leaderEpoch()}, or -1. */
    int leaderId();

    int leaderEpoch();
}
