package io.kraftlet.replication.log;

import io.kraftlet.log.RaftLog;
import io.kraftlet.raft.Batch;
import io.kraftlet.raft.OffsetAndEpoch;
import io.kraftlet.raft.SnapshotId;
import java.util.List;
import java.util.Objects;

/**
 * A {@link PartitionLog} on top of a metadata-log {@link RaftLog}. The storage rules are the
 * same for both logs (whole CRC-checked batches, an epoch cache truncated with the log, a
 * durable start offset, torn-tail recovery), so a partition log reuses the metadata log's
 * storage and only translates vocabulary: a start-offset move is a prefix delete to a
 * "snapshot" named by the new start and the epoch of the batch just below it, which is what
 * the epoch cache needs to keep answering for the epochs that continue above the start.
 *
 * <p>Range checks happen here so both implementations answer misuse identically, with
 * {@link OffsetOutOfRangeException} for offsets outside the log. Same thread rules as
 * {@link PartitionLog}.
 */
abstract class RaftLogPartitionLog implements PartitionLog {
    private final RaftLog log;

    RaftLogPartitionLog(RaftLog log) {
        this.log = Objects.requireNonNull(log, "log");
    }

    @Override
    public long startOffset() {
        return log.startOffset();
    }

    @Override
    public long endOffset() {
        return log.endOffset();
    }

    @Override
    public int latestEpoch() {
        return log.lastEpoch();
    }

    @Override
    public LogAppendInfo appendAsLeader(int leaderEpoch, List<byte[]> records, long appendTimeMs) {
        Batch batch = new Batch(log.endOffset(), leaderEpoch, appendTimeMs, false, records);
        append(batch);
        return new LogAppendInfo(batch.baseOffset(), batch.lastOffset());
    }

    @Override
    public void appendAsFollower(Batch batch) {
        Objects.requireNonNull(batch, "batch");
        if (batch.baseOffset() != log.endOffset()) {
            throw new IllegalArgumentException("the leader's " + batch + " does not start at the log end offset " + log.endOffset());
        }
        append(batch);
    }

    private void append(Batch batch) {
        // Epochs never go backwards: a batch comes from a leader at least as new as the last.
        if (batch.epoch() < log.lastEpoch()) {
            throw new IllegalArgumentException(batch + " has leader epoch " + batch.epoch()
                    + ", older than the log's latest epoch " + log.lastEpoch());
        }
        log.append(batch);
        assert log.endOffset() == batch.endOffset() && log.lastEpoch() == batch.epoch() : log + " after " + batch;
    }

    @Override
    public List<Batch> read(long fromOffset, long maxOffset, int maxBytes) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must be >= 0, got " + maxBytes);
        }
        requireInRange("read", fromOffset);
        return log.read(fromOffset, maxOffset, maxBytes);
    }

    @Override
    public long baseOffsetOf(long offset) {
        if (offset < log.startOffset() || offset >= log.endOffset()) {
            throw new OffsetOutOfRangeException("locate", offset, log.startOffset(), log.endOffset());
        }
        return log.baseOffsetOf(offset);
    }

    @Override
    public void truncateTo(long offset) {
        requireInRange("truncate", offset);
        log.truncateTo(offset);
        assert log.endOffset() == offset : "truncated to " + offset + " but ends at " + log.endOffset();
    }

    @Override
    public boolean maybeIncrementLogStartOffset(long newStartOffset) {
        if (newStartOffset <= log.startOffset()) {
            return false;
        }
        requireInRange("move the log start", newStartOffset);
        // The epoch of the batch just below the new start keeps covering its batches above it.
        int epochBelow = log.epochOf(newStartOffset - 1);
        log.deletePrefixTo(new SnapshotId(newStartOffset, epochBelow));
        assert log.startOffset() == newStartOffset : log.startOffset() + " != " + newStartOffset;
        return true;
    }

    @Override
    public EpochEndOffset endOffsetForEpoch(int epoch) {
        OffsetAndEpoch answer = log.endOffsetForEpoch(epoch);
        return new EpochEndOffset(answer.epoch(), answer.offset());
    }

    @Override
    public long flush() {
        return log.flush();
    }

    private void requireInRange(String operation, long offset) {
        if (offset < log.startOffset() || offset > log.endOffset()) {
            throw new OffsetOutOfRangeException(operation, offset, log.startOffset(), log.endOffset());
        }
    }
}
