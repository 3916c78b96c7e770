package io.kraftlet.raft;

import io.kraftlet.log.SnapshotStore;

/** A call the driver makes on a registered {@link RaftListener}, in the order given. */
public sealed interface ListenerEvent {
    int listenerId();

    record Commit(int listenerId, Batch batch) implements ListenerEvent {
    }

    record LoadSnapshot(int listenerId, SnapshotStore.Snapshot snapshot) implements ListenerEvent {
    }

    record LeaderChange(int listenerId, LeaderAndEpoch leader) implements ListenerEvent {
    }
}
