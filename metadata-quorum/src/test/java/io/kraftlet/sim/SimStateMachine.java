package io.kraftlet.sim;

import io.kraftlet.log.SnapshotStore;
import io.kraftlet.raft.Batch;
import io.kraftlet.raft.LeaderAndEpoch;
import java.nio.ByteBuffer;

/**
 * The replicated state machine each simulated node runs: a running hash of every committed
 * data record and the offset it has applied up to. Snapshots carry that state plus filler, so
 * they take several FetchSnapshot chunks.
 */
final class SimStateMachine {
    private static final int SNAPSHOT_FILLER_BYTES = 1500;
    long nextOffset;
    long stateHash;
    long recordsApplied;
    long recordsSinceSnapshot;
    LeaderAndEpoch leader = LeaderAndEpoch.UNKNOWN;

    void applyCommit(Batch batch, String where) {
        if (batch.baseOffset() < nextOffset) {
            throw new InvariantViolation("ListenerOrder", where + " was handed " + batch + " after applying up to " + nextOffset);
        }
        nextOffset = batch.endOffset();
        if (batch.control()) {
            return;
        }
        for (byte[] record : batch.records()) {
            stateHash = RecordHash.chain(stateHash, RecordHash.of(record));
        }
        recordsApplied += batch.records().size();
        recordsSinceSnapshot += batch.records().size();
    }

    void load(SnapshotStore.Snapshot snapshot) {
        ByteBuffer buffer = ByteBuffer.wrap(snapshot.data());
        nextOffset = buffer.getLong();
        stateHash = buffer.getLong();
        recordsApplied = buffer.getLong();
        recordsSinceSnapshot = 0;
        if (nextOffset != snapshot.id().endOffset()) {
            throw new InvariantViolation("SnapshotAtLogStart", "snapshot " + snapshot.id() + " holds state up to " + nextOffset);
        }
    }

    byte[] snapshot() {
        ByteBuffer buffer = ByteBuffer.allocate(24 + SNAPSHOT_FILLER_BYTES);
        buffer.putLong(nextOffset).putLong(stateHash).putLong(recordsApplied);
        while (buffer.hasRemaining()) {
            buffer.put((byte) (buffer.position() * 31 + stateHash));
        }
        return buffer.array();
    }

    static long stateHashOf(SnapshotStore.Snapshot snapshot) {
        return ByteBuffer.wrap(snapshot.data()).getLong(8);
    }
}
