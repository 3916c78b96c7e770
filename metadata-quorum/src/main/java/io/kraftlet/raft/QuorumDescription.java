package io.kraftlet.raft;

import java.util.List;

/**
 * The quorum as one node sees it: the answer to DescribeQuorum. Replica progress is only known
 * on the leader; other nodes report empty lists.
 *
 * @param leaderId the known leader, or -1
 * @param leaderEpoch the node's epoch
 * @param highWatermark the node's high watermark
 * @param voters progress of each voter (leader only)
 * @param observers progress of each observer the leader tracks (leader only)
 */
public record QuorumDescription(int leaderId, int leaderEpoch, long highWatermark, List<ReplicaDescription> voters,
        List<ReplicaDescription> observers) {
    public QuorumDescription {
        voters = List.copyOf(voters);
        observers = List.copyOf(observers);
    }

    /**
     * One replica's progress as the leader last saw it; -1 for what is not known yet.
     *
     * @param replicaId the node id
     * @param logEndOffset its durable log end offset as its last fetch reported
     * @param lastFetchTimestampMs when it last fetched
     * @param lastCaughtUpTimestampMs when it was last caught up with the leader's log end
     */
    public record ReplicaDescription(int replicaId, long logEndOffset, long lastFetchTimestampMs,
            long lastCaughtUpTimestampMs) {
    }
}
