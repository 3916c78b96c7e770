package io.kraftlet.replication.log;

import io.kraftlet.log.MemoryRaftLog;
import io.kraftlet.raft.Batch;
import java.util.List;

/**
 * An in-memory {@link PartitionLog} for the pure core's tests and the simulation, built on
 * {@link MemoryRaftLog} so it models durability the same way: appended batches are volatile
 * until a flush covers them, and {@link #crash()} loses the volatile tail as a power cut loses
 * the page cache. Truncation and start-offset moves take effect durably at once. The
 * simulation may split a flush into {@link #beginFlush()} and {@link #completeFlush()} so it
 * takes simulated time.
 *
 * <p>Single-threaded, never blocks; throws only for misuse, as {@link PartitionLog} describes.
 */
public final class MemoryPartitionLog extends RaftLogPartitionLog {
    private final MemoryRaftLog log;

    public MemoryPartitionLog() {
        this(new MemoryRaftLog());
    }

    /** A log whose truncations are reported to {@code observer} first, for simulation checkers. */
    public MemoryPartitionLog(MemoryRaftLog.TruncationObserver observer) {
        this(new MemoryRaftLog(observer));
    }

    private MemoryPartitionLog(MemoryRaftLog log) {
        super(log);
        this.log = log;
    }

    /** Starts a flush of everything appended so far; only one may be under way. */
    public void beginFlush() {
        log.beginFlush();
    }

    /** Completes the flush begun last; returns the end offset that is now durable. */
    public long completeFlush() {
        return log.completeFlush();
    }

    /** The end offset a crash now would keep. */
    public long durableEndOffset() {
        return log.durableEndOffset();
    }

    /** Loses every batch not yet durable, as a crash does, and abandons a flush under way. */
    public void crash() {
        log.crash();
    }

    /** A read-only view of the batches, for checkers. */
    public List<Batch> batches() {
        return log.batches();
    }

    /** Nothing to release. */
    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "MemoryPartitionLog[" + startOffset() + ".." + endOffset() + ", epoch " + latestEpoch() + "]";
    }
}
