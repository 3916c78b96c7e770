package io.kraftlet.log;

import io.kraftlet.raft.Batch;
import io.kraftlet.raft.OffsetAndEpoch;
import io.kraftlet.raft.SnapshotId;
import java.util.List;

/**
 * The replicated log as the Raft core sees it. Implementations: {@link MemoryRaftLog} (tests
 * and simulation) and a file-backed log.
 *
 * <p>Contract: called only from the node's driver thread (the core runs there), never
 * concurrently. Every method but {@link #flush()} works on the operating system's view of
 * the log and may return before data is durable; {@link #flush()} makes everything appended so
 * far durable and returns the end offset it covers. The core never counts an offset as
 * replicated on this node before a flush covering it completed. Truncation and
 * {@link #resetTo} are durable when they return. Batches are appended, read and truncated on
 * batch boundaries only; a call that breaks that throws {@link IllegalArgumentException}.
 */
public interface RaftLog {
    /** The first offset held in the log; equals the end offset of the latest snapshot, or 0. */
    long startOffset();

    /** The epoch of the snapshot the log starts at, or 0 when it starts at offset 0. */
    int startEpoch();

    /** The offset the next appended batch gets (the log end offset, LEO). */
    long endOffset();

    /** The epoch of the last batch, or {@link #startEpoch()} when the log holds no batch. */
    int lastEpoch();

    default OffsetAndEpoch endOffsetAndEpoch() {
        return new OffsetAndEpoch(endOffset(), lastEpoch());
    }

    /**
     * The largest epoch {@code e <= epoch} this log has, and the end offset of {@code e}: the
     * start offset of the next epoch in the log, or {@link #endOffset()} if {@code e} is the
     * last. Returns epoch -1 and {@link #startOffset()} when {@code epoch} is older than the
     * start of the log (the answer lies in a snapshot).
     */
    OffsetAndEpoch endOffsetForEpoch(int epoch);

    /** The epoch of the batch holding {@code offset}; throws if the offset is not in the log. */
    int epochOf(long offset);

    /** The base offset of the batch holding {@code offset}; throws if the offset is not in the log. */
    long baseOffsetOf(long offset);

    /** Appends {@code batch}; its base offset must equal {@link #endOffset()}. */
    void append(Batch batch);

    /**
     * Whole batches starting at {@code fromOffset} (a batch boundary), stopping before
     * {@code maxOffset} and once {@code maxBytes} is reached; at least one batch is returned
     * when one exists below {@code maxOffset}, so a large batch cannot stall replication.
     */
    List<Batch> read(long fromOffset, long maxOffset, int maxBytes);

    /** Removes every batch at or above {@code offset} (a batch boundary >= start offset). */
    void truncateTo(long offset);

    /** Removes every batch below {@code snapshot.endOffset()} (a batch boundary). */
    void deletePrefixTo(SnapshotId snapshot);

    /** Drops the whole log and starts it empty at the snapshot's end offset and epoch. */
    void resetTo(SnapshotId snapshot);

    /** Makes all appended batches durable; returns the end offset that is now durable. */
    long flush();
}
