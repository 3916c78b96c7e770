package io.kraftlet.log;

import io.kraftlet.raft.SnapshotId;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An in-memory {@link SnapshotStore}: a snapshot is durable the moment {@link #write} returns,
 * so a simulated crash keeps it. Keeps the two newest snapshots, so a follower fetching the
 * previous one can finish.
 */
public final class MemorySnapshotStore implements SnapshotStore {
    private static final int SNAPSHOTS_KEPT = 2;
    private final TreeMap<Long, Snapshot> byEndOffset = new TreeMap<>();

    @Override
    public Optional<Snapshot> latest() {
        return byEndOffset.isEmpty() ? Optional.empty() : Optional.of(byEndOffset.lastEntry().getValue());
    }

    @Override
    public Optional<Snapshot> read(SnapshotId id) {
        Snapshot snapshot = byEndOffset.get(id.endOffset());
        return snapshot != null && snapshot.id().equals(id) ? Optional.of(snapshot) : Optional.empty();
    }

    @Override
    public void write(Snapshot snapshot) {
        byEndOffset.put(snapshot.id().endOffset(), snapshot);
        while (byEndOffset.size() > SNAPSHOTS_KEPT) {
            byEndOffset.pollFirstEntry();
        }
    }
}
