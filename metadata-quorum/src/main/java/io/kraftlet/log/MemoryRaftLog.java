package io.kraftlet.log;

import io.kraftlet.raft.Batch;
import io.kraftlet.raft.OffsetAndEpoch;
import io.kraftlet.raft.SnapshotId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An in-memory {@link RaftLog} that models durability: appended batches are volatile until a
 * flush covers them, and {@link #crash()} loses the volatile tail, as a power cut loses the
 * page cache. The simulation uses the split {@link #beginFlush()} / {@link #completeFlush()}
 * so a flush can take simulated time; {@link #flush()} does both at once.
 *
 * <p>Single-threaded, like every {@link RaftLog}.
 */
public final class MemoryRaftLog implements RaftLog {
    /** Told before batches are removed by truncation, so a checker can judge what was cut. */
    public interface TruncationObserver {
        void beforeTruncate(long offset, List<Batch> removed);
    }

    private final List<Batch> batches = new ArrayList<>();
    private final EpochIndex epochIndex = new EpochIndex();
    private final TruncationObserver truncationObserver;
    private long startOffset;
    private long durableEndOffset;
    private long flushUpTo = -1;
    private long flushLimit = Long.MAX_VALUE;

    public MemoryRaftLog() {
        this((offset, removed) -> { });
    }

    public MemoryRaftLog(TruncationObserver truncationObserver) {
        this.truncationObserver = truncationObserver;
    }

    @Override
    public long startOffset() {
        return startOffset;
    }

    @Override
    public int startEpoch() {
        return epochIndex.startEpoch();
    }

    @Override
    public long endOffset() {
        return batches.isEmpty() ? startOffset : batches.get(batches.size() - 1).endOffset();
    }

    @Override
    public int lastEpoch() {
        return epochIndex.lastEpoch();
    }

    @Override
    public OffsetAndEpoch endOffsetForEpoch(int epoch) {
        return epochIndex.endOffsetForEpoch(epoch, endOffset());
    }

    @Override
    public int epochOf(long offset) {
        return batches.get(indexOfBatchContaining(offset)).epoch();
    }

    @Override
    public long baseOffsetOf(long offset) {
        return batches.get(indexOfBatchContaining(offset)).baseOffset();
    }

    @Override
    public void append(Batch batch) {
        if (batch.baseOffset() != endOffset()) {
            throw new IllegalArgumentException("append at " + batch.baseOffset() + " but the log ends at " + endOffset());
        }
        epochIndex.onAppend(batch.epoch(), batch.baseOffset());
        batches.add(batch);
    }

    @Override
    public List<Batch> read(long fromOffset, long maxOffset, int maxBytes) {
        if (fromOffset == endOffset()) {
            return List.of();
        }
        int index = indexOfBatchStartingAt(fromOffset);
        List<Batch> result = new ArrayList<>();
        int bytes = 0;
        for (int i = index; i < batches.size(); i++) {
            Batch batch = batches.get(i);
            if (batch.endOffset() > maxOffset || (!result.isEmpty() && bytes + batch.sizeInBytes() > maxBytes)) {
                break;
            }
            result.add(batch);
            bytes += batch.sizeInBytes();
        }
        return result;
    }

    @Override
    public void truncateTo(long offset) {
        if (offset >= endOffset()) {
            return;
        }
        int index = indexOfBatchStartingAt(offset);
        List<Batch> tail = batches.subList(index, batches.size());
        truncationObserver.beforeTruncate(offset, List.copyOf(tail));
        tail.clear();
        epochIndex.onTruncate(offset);
        durableEndOffset = Math.min(durableEndOffset, offset);
        flushLimit = Math.min(flushLimit, offset);
    }

    @Override
    public void deletePrefixTo(SnapshotId snapshot) {
        long offset = snapshot.endOffset();
        if (offset <= startOffset) {
            return;
        }
        if (offset > endOffset()) {
            throw new IllegalArgumentException("cannot delete up to " + offset + ": the log ends at " + endOffset());
        }
        int index = offset == endOffset() ? batches.size() : indexOfBatchStartingAt(offset);
        batches.subList(0, index).clear();
        startOffset = offset;
        epochIndex.onDeletePrefix(offset, snapshot.epoch());
    }

    @Override
    public void resetTo(SnapshotId snapshot) {
        batches.clear();
        startOffset = snapshot.endOffset();
        epochIndex.reset(snapshot.endOffset(), snapshot.epoch());
        durableEndOffset = startOffset;
        flushLimit = Math.min(flushLimit, startOffset);
    }

    @Override
    public long flush() {
        beginFlush();
        return completeFlush();
    }

    /** Starts a flush of everything appended so far; only one may be under way. */
    public void beginFlush() {
        if (flushUpTo >= 0) {
            throw new IllegalStateException("a flush is already under way");
        }
        flushUpTo = endOffset();
        flushLimit = Long.MAX_VALUE;
    }

    /**
     * Completes the flush begun last: everything it covered that was not truncated meanwhile is
     * now durable. Returns the end offset that is durable.
     */
    public long completeFlush() {
        if (flushUpTo < 0) {
            throw new IllegalStateException("no flush is under way");
        }
        long covered = Math.min(Math.min(flushUpTo, flushLimit), endOffset());
        durableEndOffset = Math.max(durableEndOffset, covered);
        flushUpTo = -1;
        return durableEndOffset();
    }

    public boolean flushUnderWay() {
        return flushUpTo >= 0;
    }

    public long durableEndOffset() {
        return Math.max(durableEndOffset, startOffset);
    }

    /** Loses everything not yet durable, as a crash does, and abandons a flush under way. */
    public void crash() {
        long keep = durableEndOffset();
        int index = keep >= endOffset() ? batches.size() : indexOfBatchStartingAt(keep);
        List<Batch> lost = batches.subList(index, batches.size());
        lost.clear();
        epochIndex.onTruncate(keep);
        flushUpTo = -1;
        flushLimit = Long.MAX_VALUE;
    }

    /** A read-only view of the batches, for checkers. */
    public List<Batch> batches() {
        return Collections.unmodifiableList(batches);
    }

    private int indexOfBatchContaining(long offset) {
        int low = 0;
        int high = batches.size() - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            Batch batch = batches.get(mid);
            if (batch.endOffset() <= offset) {
                low = mid + 1;
            } else if (batch.baseOffset() > offset) {
                high = mid - 1;
            } else {
                return mid;
            }
        }
        throw new IllegalArgumentException("offset " + offset + " is not in the log [" + startOffset + ", " + endOffset() + ")");
    }

    private int indexOfBatchStartingAt(long offset) {
        int index = indexOfBatchContaining(offset);
        if (batches.get(index).baseOffset() != offset) {
            throw new IllegalArgumentException("offset " + offset + " is inside " + batches.get(index) + ", not on a batch boundary");
        }
        return index;
    }
}
