package io.kraftlet.raft.message;

/**
 * Every message the Raft core sends or receives, as plain Java records. The transport maps
 * each request/response pair onto one RPC; the core itself treats them as asynchronous
 * messages matched by {@code correlationId}, so a lost, late or duplicated response is
 * recognised and ignored.
 */
public sealed interface RaftMessage permits RaftRequest, RaftResponse {
    /** Matches a response to the request that caused it; chosen by the requester. */
    long correlationId();
}
