package io.kraftlet.replication;

import io.kraftlet.metadata.TopicPartition;
import io.kraftlet.replication.log.PartitionLog;
import java.util.UUID;

/**
 * One partition replica on this broker as its {@link ReplicaManager} holds it: the log, and the
 * role it plays in the leader epoch the manager last acted on. Exactly one of {@link #leader}
 * and {@link #follower} is set, or neither while the partition has no leader (or the replica
 * failed here).
 *
 * <p>Mutable; owned by the manager's thread.
 */
final class HostedPartition {
    final ReplicaManager.PartitionKey key;
    final TopicPartition topicPartition;
    final PartitionLog log;

    /** Leader role: the partition state, its fetch handler and produce purgatory. */
    Partition leader;
    LeaderFetchHandler fetchHandler;
    ProducePurgatory purgatory;
    /** acks=all requests appended and not yet flushed (they will wait in the purgatory). */
    int unflushedAcksAll;
    /** When to send the AlterPartition in flight again after a retriable failure; -1 when none is due. */
    long alterPartitionRetryAtMs = -1;

    /** Follower role: the fetch state, and the broker it fetches from. */
    FollowerPartition follower;
    int leaderId = -1;
    /** The follower leaves this partition out of its fetches until then, after a refused fetch. */
    long fetchBackoffUntilMs;

    /** The HW this replica knows while it has no role (kept across roles; a new role starts from it). */
    long highWatermark;
    /** Set when the replica failed here (I/O error, refused truncation); it serves nothing until restart. */
    String failure;

    HostedPartition(ReplicaManager.PartitionKey key, TopicPartition topicPartition, PartitionLog log) {
        this.key = key;
        this.topicPartition = topicPartition;
        this.log = log;
    }

    UUID topicId() {
        return key.topicId();
    }

    boolean isLeader() {
        return leader != null;
    }

    boolean isFollower() {
        return follower != null;
    }

    /** The HW as this replica knows it, whatever its role. */
    long knownHighWatermark() {
        if (leader != null) {
            return leader.highWatermark();
        }
        if (follower != null) {
            return follower.highWatermark();
        }
        return highWatermark;
    }

    @Override
    public String toString() {
        String role = leader != null ? leader.toString() : follower != null ? follower.toString() : "no role";
        return topicPartition + "[" + role + (failure != null ? ", failed: " + failure : "") + "]";
    }
}
