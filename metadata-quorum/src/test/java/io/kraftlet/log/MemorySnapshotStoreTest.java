package io.kraftlet.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.log.SnapshotStore.Snapshot;
import io.kraftlet.raft.SnapshotId;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Snapshots are found by exact id; the two newest are kept so a follower's fetch can finish. */
class MemorySnapshotStoreTest {
    private static Snapshot snapshot(long endOffset, int epoch) {
        return new Snapshot(new SnapshotId(endOffset, epoch), new byte[] {(byte) endOffset, (byte) epoch});
    }

    @Test
    void emptyStoreHasNothing() {
        MemorySnapshotStore store = new MemorySnapshotStore();
        assertEquals(Optional.empty(), store.latest());
        assertEquals(Optional.empty(), store.read(new SnapshotId(10, 1)));
    }

    @Test
    void writtenSnapshotIsLatestAndReadable() {
        MemorySnapshotStore store = new MemorySnapshotStore();
        Snapshot snapshot = snapshot(10, 1);
        store.write(snapshot);
        assertEquals(snapshot.id(), store.latest().orElseThrow().id());
        assertArrayEquals(snapshot.data(), store.read(new SnapshotId(10, 1)).orElseThrow().data());
    }

    @Test
    void readNeedsTheExactId() {
        // Same end offset but another epoch is another history: never hand it out.
        MemorySnapshotStore store = new MemorySnapshotStore();
        store.write(snapshot(10, 1));
        assertEquals(Optional.empty(), store.read(new SnapshotId(10, 2)));
        assertEquals(Optional.empty(), store.read(new SnapshotId(11, 1)));
    }

    @Test
    void latestIsTheLargestEndOffset() {
        MemorySnapshotStore store = new MemorySnapshotStore();
        store.write(snapshot(20, 2));
        store.write(snapshot(10, 1));
        assertEquals(new SnapshotId(20, 2), store.latest().orElseThrow().id());
    }

    @Test
    void keepsTheTwoNewest() {
        MemorySnapshotStore store = new MemorySnapshotStore();
        store.write(snapshot(10, 1));
        store.write(snapshot(20, 2));
        store.write(snapshot(30, 2));
        assertEquals(Optional.empty(), store.read(new SnapshotId(10, 1)));
        assertTrue(store.read(new SnapshotId(20, 2)).isPresent(), "the previous one stays for fetches under way");
        assertEquals(new SnapshotId(30, 2), store.latest().orElseThrow().id());
    }

    @Test
    void rewritingAnEndOffsetReplacesIt() {
        MemorySnapshotStore store = new MemorySnapshotStore();
        store.write(snapshot(10, 1));
        store.write(snapshot(10, 2));
        assertEquals(new SnapshotId(10, 2), store.latest().orElseThrow().id());
        assertEquals(Optional.empty(), store.read(new SnapshotId(10, 1)));
    }
}
