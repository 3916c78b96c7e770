package io.kraftlet.replication.log;

import io.kraftlet.raft.Batch;
import java.util.List;

/**
 * The log of one partition replica: whole batches of opaque records at consecutive offsets,
 * each batch stamped with the leader epoch that wrote it, plus the leader-epoch cache (epoch →
 * start offset) that answers the diverging-epoch question of a follower fetch (DESIGN §4).
 * Implementations: {@link FilePartitionLog} (segment files, survives crashes) and
 * {@link MemoryPartitionLog} (pure core tests and the simulation; loses its unflushed tail on a
 * simulated crash).
 *
 * <p><b>Offsets.</b> The log holds offsets {@code [startOffset, endOffset)}. Appends, reads,
 * truncation and start-offset moves work on batch boundaries only: a follower copies the
 * leader's batches whole, so every offset it fetches from or truncates to is one. An offset
 * inside a batch throws {@link IllegalArgumentException}; an offset outside
 * {@code [startOffset, endOffset]} throws {@link OffsetOutOfRangeException}, which the fetch
 * handler answers with OFFSET_OUT_OF_RANGE.
 *
 * <p><b>Epochs.</b> Leader epochs in a log never go backwards; an append with an older epoch
 * than {@link #latestEpoch()} throws {@link IllegalArgumentException}. The epoch cache is
 * truncated with the log and trimmed with its start, and survives a reopen.
 *
 * <p><b>Durability.</b> Appends may return before the batch is durable; {@link #flush()} makes
 * everything appended so far durable. {@link #truncateTo} and {@link #maybeIncrementLogStartOffset}
 * are durable when they return. After a crash the log holds at least everything a completed
 * flush covered (minus later truncations) and never a partial batch.
 *
 * <p><b>Threads.</b> Not thread-safe: called only from the thread that owns the partition (the
 * replication driver), never concurrently. Methods of {@link FilePartitionLog} may block on the
 * disk; {@link MemoryPartitionLog} never blocks. I/O failures throw
 * {@link java.io.UncheckedIOException}; damaged durable data throws
 * {@link io.kraftlet.log.CorruptStorageException} naming the file and offset. Either means the
 * broker must stop using the log (reopening recovers what is on disk); after an I/O failure a
 * file log refuses every further write with {@link IllegalStateException}. No method is
 * idempotent except {@link #truncateTo} (to the same offset), {@link #flush} and
 * {@link #close}.
 */
public interface PartitionLog extends AutoCloseable {
    /** The first offset held; moves up only through {@link #maybeIncrementLogStartOffset}. */
    long startOffset();

    /** The log end offset (LEO): the offset the next appended batch gets. */
    long endOffset();

    /**
     * The epoch of the last batch; when the log holds no batch, the epoch of the batch just
     * below {@link #startOffset()}, or 0 for a log that never had one.
     */
    int latestEpoch();

    /**
     * Appends {@code records} as one batch written by the leader of {@code leaderEpoch} at the
     * log end offset.
     *
     * @param appendTimeMs the leader's clock when it accepted the batch (an input, never read here)
     * @return the offsets the records got
     * @throws IllegalArgumentException if {@code records} is empty or {@code leaderEpoch} is older
     *     than {@link #latestEpoch()}
     */
    LogAppendInfo appendAsLeader(int leaderEpoch, List<byte[]> records, long appendTimeMs);

    /**
     * Appends a batch fetched from the leader, keeping its offsets and epoch.
     *
     * @throws IllegalArgumentException if the batch does not start at {@link #endOffset()} or its
     *     epoch is older than {@link #latestEpoch()}
     */
    void appendAsFollower(Batch batch);

    /** Equivalent to {@code read(fromOffset, Long.MAX_VALUE, maxBytes)}. */
    default List<Batch> read(long fromOffset, int maxBytes) {
        return read(fromOffset, Long.MAX_VALUE, maxBytes);
    }

    /**
     * Whole batches from {@code fromOffset} (a batch boundary), none reaching past
     * {@code maxOffset} (the high watermark for client reads), stopping once the next batch would
     * take the total past {@code maxBytes} ({@link Batch#sizeInBytes()}). At least one batch is
     * returned when one lies wholly below {@code maxOffset}, so a batch larger than
     * {@code maxBytes} cannot stall a follower (Kafka's "min one message"). Empty at the log end.
     *
     * @throws OffsetOutOfRangeException if {@code fromOffset} is outside [start offset, end offset]
     * @throws IllegalArgumentException if {@code fromOffset} is inside a batch or {@code maxBytes < 0}
     */
    List<Batch> read(long fromOffset, long maxOffset, int maxBytes);

    /**
     * The base offset of the batch holding {@code offset}, so that a client may read from any
     * offset: it reads from the batch start and skips the records before its offset.
     *
     * @throws OffsetOutOfRangeException if {@code offset} is outside [start offset, end offset)
     */
    long baseOffsetOf(long offset);

    /**
     * Removes every batch at or above {@code offset}, and the epochs that start there: what a
     * follower does with the leader's diverging-epoch answer. Does nothing if
     * {@code offset >= endOffset()}. Durable when it returns.
     *
     * @throws OffsetOutOfRangeException if {@code offset < startOffset()}
     * @throws IllegalArgumentException if {@code offset} is inside a batch
     */
    void truncateTo(long offset);

    /**
     * Moves the log start offset up to {@code newStartOffset} (a batch boundary at or below the
     * end offset), dropping the batches and epoch-cache entries below it; does nothing and
     * returns false if it is not above the current start. Durable when it returns. Whole
     * segments are deleted; a segment straddling the new start keeps its bytes until a later
     * move passes it, but they are never read again.
     *
     * @throws OffsetOutOfRangeException if {@code newStartOffset > endOffset()}
     * @throws IllegalArgumentException if {@code newStartOffset} is inside a batch
     */
    boolean maybeIncrementLogStartOffset(long newStartOffset);

    /**
     * The diverging-epoch answer for a follower whose last fetched batch has {@code epoch}: the
     * largest epoch {@code e <= epoch} in this log and the end offset of {@code e} (the start
     * offset of the next epoch in the log, or {@link #endOffset()} if {@code e} is the latest).
     * If {@code epoch} is older than every epoch still in the log, returns
     * {@link EpochEndOffset#UNDEFINED_EPOCH} with {@link #startOffset()}: the answer lies below
     * the log start.
     */
    EpochEndOffset endOffsetForEpoch(int epoch);

    /** Makes every appended batch durable; returns the end offset that is now durable. */
    long flush();

    /** Releases files and locks without flushing. Idempotent. */
    @Override
    void close();
}
