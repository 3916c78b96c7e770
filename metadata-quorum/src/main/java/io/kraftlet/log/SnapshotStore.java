package io.kraftlet.log;

import io.kraftlet.raft.SnapshotId;
import java.util.Optional;

/**
 * Durable snapshots of the state machine. Called only from the node's driver thread.
 * {@link #write} returns once the snapshot is durable and complete (written under a temporary
 * name, then renamed), so a crash never leaves a partial snapshot visible.
 */
public interface SnapshotStore {
    /** A complete snapshot: the id and the state machine's bytes. */
    record Snapshot(SnapshotId id, byte[] data) {
    }

    /** The newest complete snapshot, if any. */
    Optional<Snapshot> latest();

    /** The snapshot with this id, if it is still held. */
    Optional<Snapshot> read(SnapshotId id);

    /** Stores a complete snapshot durably; older snapshots may then be deleted. */
    void write(Snapshot snapshot);
}
