package io.kraftlet.raft.message;

/**
 * A follower's or observer's pull. {@code fetchOffset} is the fetcher's durable log end offset
 * and {@code lastFetchedEpoch} the epoch of its last batch, so the leader can tell whether the
 * fetcher's log diverges from its own. {@code replicaEpoch} is the epoch the fetcher is in.
 */
public record FetchRequest(String clusterId, long correlationId, int replicaId, int replicaEpoch,
        long fetchOffset, int lastFetchedEpoch, int maxWaitMs, int maxBytes) implements RaftRequest {
}
