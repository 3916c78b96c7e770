package io.kraftlet.replication;

import io.kraftlet.controller.ControllerApi.PartitionChangeProposal;
import io.kraftlet.metadata.TopicPartition;

/**
 * Where a {@link ReplicaManager} puts its effects: answers, requests to send, and reports. Called
 * synchronously from inside the manager's methods, on the thread that owns it; an
 * implementation must not call back into the manager and must not block (the driver queues,
 * the simulation schedules).
 */
public interface ReplicaOutput {
    /** The answer to {@link ReplicaManager#produce}'s request {@code requestId}. */
    void produceCompleted(long requestId, ProduceResult result);

    /** The answer to {@link ReplicaManager#handleFetchRequest}'s request {@code requestId}. */
    void fetchCompleted(long requestId, ReplicaFetchResponse response);

    /**
     * Send this follower fetch to broker {@code leaderId}; answer with
     * {@link ReplicaManager#handleFetchResponse} or {@link ReplicaManager#handleFetchFailure} under
     * the same {@code fetchId}. One fetch per leader broker is outstanding at a time.
     */
    void sendFetch(int leaderId, long fetchId, ReplicaFetchRequest request);

    /**
     * Send this ISR change to the active controller; answer with
     * {@link ReplicaManager#handleAlterPartitionResponse} or
     * {@link ReplicaManager#handleAlterPartitionFailure}. The driver may batch proposals.
     */
    void sendAlterPartition(PartitionChangeProposal proposal);

    /**
     * After an unclean election this replica dropped offsets {@code [truncatedTo, highWatermarkBefore)}
     * that it had seen committed: acknowledged records may be lost (DESIGN §6: never silently).
     */
    default void uncleanTruncation(TopicPartition partition, long truncatedTo, long highWatermarkBefore) {
    }

    /** This broker became the leader of {@code partition} through an unclean election, at log end offset {@code logEndOffset}. */
    default void uncleanLeadership(TopicPartition partition, int leaderEpoch, long logEndOffset) {
    }

    /** The replica of {@code partition} on this broker failed and is offline here until restart. */
    default void partitionFailed(TopicPartition partition, String reason) {
    }
}
