package io.kraftlet.raft;

import io.kraftlet.log.SnapshotStore;

/**
 * The state machine's view of the replicated log. Register one with the node; it is told of
 * every committed batch in offset order, of snapshots to load, and of leader changes.
 *
 * <p>Threading: every method is called on the node's driver thread, one call at a time, in log
 * order. Methods must not block for long (the driver is the node's only thread) and must not
 * call back into the node synchronously; they may throw only to report a bug, which stops the
 * node. Calls are not repeated: after a restart the listener starts again from the latest
 * snapshot (or offset 0).
 */
public interface RaftListener {
    /**
     * A committed batch. Control batches (such as the leader-change record that opens each
     * epoch) are passed on too, flagged by {@link Batch#control()}, so the listener always
     * knows the exact offset it has reached; a state machine skips their records.
     */
    void handleCommit(Batch batch);

    /**
     * Replace the state machine's state with this snapshot; further commits continue at
     * {@code snapshot.id().endOffset()}.
     */
    void handleLoadSnapshot(SnapshotStore.Snapshot snapshot);

    /**
     * The leader changed. On the new leader itself this comes only once the listener has
     * applied everything up to the high watermark of the new epoch, so it can safely decide
     * based on its state.
     */
    void handleLeaderChange(LeaderAndEpoch leader);
}
