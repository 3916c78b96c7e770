package io.kraftlet.log;

import io.kraftlet.log.BatchFrame.Header;
import io.kraftlet.log.BatchFrame.InvalidFrameException;
import io.kraftlet.raft.Batch;
import io.kraftlet.raft.OffsetAndEpoch;
import io.kraftlet.raft.SnapshotId;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A {@link RaftLog} in a directory of segment files; behaves exactly like {@link MemoryRaftLog}
 * through the {@link RaftLog} interface, and survives crashes.
 *
 * <p><b>Files.</b> {@code <base offset, 20 digits>.log} segments of {@link BatchFrame}s (each
 * batch framed with magic, CRC32C, length, base offset, epoch, record count, control flag and
 * append time; records length-prefixed), each with a sparse {@code .index} ({@link OffsetIndex}).
 * A segment rolls when the next batch would take it past {@code segmentBytes}.
 * {@value LogStartFile#FILE_NAME} holds the start offset and epoch after a prefix delete;
 * {@value RecoveryPointFile#FILE_NAME} holds the recovery point; {@code .lock} keeps a second
 * process (or a second instance) out of the directory.
 *
 * <p><b>Durability.</b> {@link #append} only writes through the file channel. {@link #flush}
 * is a group commit: one fdatasync per segment written since the previous flush covers every
 * batch appended meanwhile, the directory is fsynced if a segment was created, and then the
 * new end offset is written to the recovery-point file and fsynced. That second fsync per
 * group commit is the price of telling, after an unclean stop, a torn tail (never
 * acknowledged, safe to drop) from damage to flushed data (refuse to start): without a durable
 * recovery point, open would either drop flushed, acknowledged records with the tail — breaking
 * "a voter never loses a record it acknowledged" on which the high watermark rests — or refuse
 * every torn write. {@link #truncateTo}, {@link #deletePrefixTo} and {@link #resetTo} are
 * durable when they return. Recovery on open is described in {@link LogLoader}.
 *
 * <p><b>Threads.</b> Not thread-safe: called only from the node's driver thread, like every
 * {@link RaftLog}. Every method may block on the disk. I/O failures throw
 * {@link java.io.UncheckedIOException}; damaged data throws {@link CorruptStorageException};
 * either means the node must stop (reopening the log recovers what is on disk). Misuse of the
 * contract throws {@link IllegalArgumentException}, as {@link MemoryRaftLog} does.
 */
public final class FileRaftLog implements RaftLog, Closeable {
    public static final int DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;
    public static final int DEFAULT_INDEX_INTERVAL_BYTES = 4096;
    /** Segment positions are kept in ints: a segment never starts a batch past this size. */
    public static final int MAX_SEGMENT_BYTES = 1 << 30;
    private static final String LOCK_FILE = ".lock";

    /**
     * What open cut off: the first bad batch at or after the recovery point (a torn write) and
     * everything after it. Also logged as a WARN.
     *
     * @param file the segment that was cut
     * @param position the byte position of the cut
     * @param offset the offset the log now ends at
     * @param recoveryPoint the durable recovery point; everything below it was kept
     * @param reason why the batch at {@code position} was unusable
     * @param bytesDropped bytes removed, deleted segments included
     * @param deletedSegments later segments deleted whole
     */
    public record TruncatedTail(Path file, long position, long offset, long recoveryPoint, String reason,
                                long bytesDropped, List<Path> deletedSegments) {
    }

    /** Options for {@link #open(Path, Builder)}; defaults suit a metadata log. */
    public static final class Builder {
        private int segmentBytes = DEFAULT_SEGMENT_BYTES;
        private int indexIntervalBytes = DEFAULT_INDEX_INTERVAL_BYTES;

        /** Roll to a new segment when the next batch would pass this size (1 .. 1 GiB). */
        public Builder segmentBytes(int segmentBytes) {
            if (segmentBytes < 1 || segmentBytes > MAX_SEGMENT_BYTES) {
                throw new IllegalArgumentException("segmentBytes must be in [1, " + MAX_SEGMENT_BYTES + "], got " + segmentBytes);
            }
            this.segmentBytes = segmentBytes;
            return this;
        }

        /** Add an offset-index entry every this many bytes of log (at least 1). */
        public Builder indexIntervalBytes(int indexIntervalBytes) {
            if (indexIntervalBytes < 1) {
                throw new IllegalArgumentException("indexIntervalBytes must be >= 1, got " + indexIntervalBytes);
            }
            this.indexIntervalBytes = indexIntervalBytes;
            return this;
        }
    }

    private final Path dir;
    private final Builder options;
    private final FileChannel lockChannel;
    private final RecoveryPointFile recoveryPoint;
    private final EpochIndex epochIndex;
    private final TreeMap<Long, LogSegment> segments = new TreeMap<>();
    private final Set<LogSegment> unflushed = new LinkedHashSet<>();
    /** The first write failure; once set, every write is refused. */
    private UncheckedIOException failure;
    private final Optional<TruncatedTail> truncatedTail;
    private long startOffset;
    private boolean directoryUnflushed;

    private FileRaftLog(Path dir, Builder options, FileChannel lockChannel, LogLoader.Loaded loaded) {
        this.dir = dir;
        this.options = options;
        this.lockChannel = lockChannel;
        this.recoveryPoint = loaded.recoveryPoint();
        this.epochIndex = loaded.epochIndex();
        this.startOffset = loaded.startOffset();
        this.truncatedTail = loaded.truncatedTail();
        for (LogSegment segment : loaded.segments()) {
            segments.put(segment.baseOffset(), segment);
            // After a restart nothing above the recovery point counts as flushed (DESIGN §2).
            if (segment.endOffset() > recoveryPoint.offset()) {
                unflushed.add(segment);
            }
        }
    }

    /** Opens (creating if needed) the log in {@code dir} with default options. */
    public static FileRaftLog open(Path dir) {
        return open(dir, new Builder());
    }

    /**
     * Opens (creating if needed) the log in {@code dir}, recovering from an unclean stop.
     *
     * @throws CorruptStorageException if flushed data is damaged or missing
     * @throws IllegalStateException if another process or instance holds the directory
     */
    public static FileRaftLog open(Path dir, Builder options) {
        Objects.requireNonNull(options, "options");
        Path absolute = dir.toAbsolutePath();
        FileChannel lockChannel = null;
        try {
            Files.createDirectories(absolute);
            lockChannel = lock(absolute);
            return new FileRaftLog(absolute, options, lockChannel, LogLoader.load(absolute, options.indexIntervalBytes));
        } catch (IOException e) {
            closeQuietly(lockChannel);
            throw DurableFiles.failure("open the log in", absolute, e);
        } catch (RuntimeException e) {
            closeQuietly(lockChannel);
            throw e;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    private static FileChannel lock(Path dir) throws IOException {
        Path lockFile = dir.resolve(LOCK_FILE);
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            throw new IllegalStateException("the log directory " + dir + " is in use by another FileRaftLog (" + lockFile + " is locked)");
        }
        return channel;
    }

    public Path directory() {
        return dir;
    }

    /** The torn tail open truncated, if it did. */
    public Optional<TruncatedTail> truncatedTailOnOpen() {
        return truncatedTail;
    }

    /** The durable recovery point: the end offset covered by the last completed flush. */
    public long recoveryPoint() {
        return Math.max(recoveryPoint.offset(), startOffset);
    }

    /** The segment files in offset order, for tools and tests. */
    public List<Path> segmentFiles() {
        return segments.values().stream().map(LogSegment::file).toList();
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
        return activeSegment().endOffset();
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
        requireInLog(offset);
        return locate(segmentFor(offset), offset).header().epoch();
    }

    @Override
    public long baseOffsetOf(long offset) {
        requireInLog(offset);
        return locate(segmentFor(offset), offset).header().baseOffset();
    }

    @Override
    public void append(Batch batch) {
        ensureWritable();
        if (batch.baseOffset() != endOffset()) {
            throw new IllegalArgumentException("append at " + batch.baseOffset() + " but the log ends at " + endOffset());
        }
        if (batch.epoch() < epochIndex.lastEpoch()) {
            throw new IllegalArgumentException("batch epoch " + batch.epoch() + " at offset " + batch.baseOffset()
                    + " is older than the log's last epoch " + epochIndex.lastEpoch());
        }
        ByteBuffer frame = BatchFrame.encode(batch);
        LogSegment active = activeSegment();
        try {
            if (active.sizeBytes() > 0 && active.sizeBytes() + frame.remaining() > options.segmentBytes) {
                active = roll(batch.baseOffset());
            }
            active.append(frame, batch.baseOffset(), batch.endOffset());
        } catch (IOException e) {
            throw poison(DurableFiles.failure("append " + batch + " to", active.file(), e));
        }
        unflushed.add(active);
        epochIndex.onAppend(batch.epoch(), batch.baseOffset());
    }

    private LogSegment roll(long baseOffset) throws IOException {
        LogSegment segment = LogSegment.create(dir, baseOffset, options.indexIntervalBytes);
        segments.put(baseOffset, segment);
        directoryUnflushed = true;
        return segment;
    }

    @Override
    public List<Batch> read(long fromOffset, long maxOffset, int maxBytes) {
        if (fromOffset == endOffset()) {
            return List.of();
        }
        requireInLog(fromOffset);
        LogSegment segment = segmentFor(fromOffset);
        long position = positionOfBatchStartingAt(segment, fromOffset);
        List<Batch> result = new ArrayList<>();
        long bytes = 0;
        for (LogSegment current : segments.tailMap(segment.baseOffset(), true).values()) {
            while (position < current.sizeBytes()) {
                Header header = readHeader(current, position);
                if (header.endOffset() > maxOffset || (!result.isEmpty() && bytes + header.batchSizeInBytes() > maxBytes)) {
                    return result;
                }
                result.add(readBatch(current, position, header));
                bytes += header.batchSizeInBytes();
                position += header.totalLength();
            }
            position = 0;
        }
        return result;
    }

    @Override
    public void truncateTo(long offset) {
        ensureWritable();
        if (offset >= endOffset()) {
            return;
        }
        requireInLog(offset);
        LogSegment segment = segmentFor(offset);
        long position = positionOfBatchStartingAt(segment, offset);
        try {
            // The recovery point goes down first: a crash part way then leaves a log whose
            // remaining tail is merely unflushed, never one that ends below its recovery point.
            if (recoveryPoint.offset() > offset) {
                recoveryPoint.write(offset);
            }
            deleteSegmentsAbove(segment.baseOffset());
            segment.truncate(position, offset);
        } catch (IOException e) {
            throw poison(DurableFiles.failure("truncate to offset " + offset + " in", segment.file(), e));
        }
        epochIndex.onTruncate(offset);
        // A log never ends below its recovery point: open would read that as lost flushed data.
        assert recoveryPoint.offset() <= endOffset() : recoveryPoint.offset() + " > " + endOffset();
    }

    /** Deletes every segment above {@code baseOffset}, newest first, and fsyncs the directory. */
    private void deleteSegmentsAbove(long baseOffset) throws IOException {
        boolean deleted = false;
        while (!segments.isEmpty() && segments.lastKey() > baseOffset) {
            LogSegment last = segments.pollLastEntry().getValue();
            unflushed.remove(last);
            last.delete();
            deleted = true;
        }
        if (deleted || directoryUnflushed) {
            DurableFiles.fsyncDirectory(dir);
            directoryUnflushed = false;
        }
    }

    @Override
    public void deletePrefixTo(SnapshotId snapshot) {
        ensureWritable();
        long newStart = snapshot.endOffset();
        if (newStart <= startOffset) {
            return;
        }
        if (newStart > endOffset()) {
            throw new IllegalArgumentException("cannot delete up to " + newStart + ": the log ends at " + endOffset());
        }
        if (newStart < endOffset()) {
            positionOfBatchStartingAt(segmentFor(newStart), newStart);
        }
        try {
            // The new start is durable before any segment goes: open deletes leftovers below it.
            LogStartFile.write(dir, newStart, snapshot.epoch());
            deleteSegmentsBelow(newStart);
        } catch (IOException e) {
            throw poison(DurableFiles.failure("delete the log prefix below offset " + newStart + " in", dir, e));
        }
        startOffset = newStart;
        epochIndex.onDeletePrefix(newStart, snapshot.epoch());
    }

    /** Deletes whole segments whose successor starts at or below {@code offset}, oldest first. */
    private void deleteSegmentsBelow(long offset) throws IOException {
        boolean deleted = false;
        while (segments.size() > 1 && segments.higherKey(segments.firstKey()) <= offset) {
            LogSegment first = segments.pollFirstEntry().getValue();
            unflushed.remove(first);
            first.delete();
            deleted = true;
        }
        if (deleted) {
            DurableFiles.fsyncDirectory(dir);
        }
    }

    @Override
    public void resetTo(SnapshotId snapshot) {
        ensureWritable();
        long newStart = snapshot.endOffset();
        try {
            // Order: recovery point down, segments deleted newest first, new start recorded,
            // new segment created. A crash at any step leaves a log that opens cleanly: the old
            // log, a truncated old log, or an empty log at the old or the new start.
            long floor = Math.min(startOffset, newStart);
            if (recoveryPoint.offset() > floor) {
                recoveryPoint.write(floor);
            }
            deleteSegmentsAbove(-1);
            LogStartFile.write(dir, newStart, snapshot.epoch());
            segments.put(newStart, LogSegment.create(dir, newStart, options.indexIntervalBytes));
            DurableFiles.fsyncDirectory(dir);
        } catch (IOException e) {
            throw poison(DurableFiles.failure("reset the log to " + snapshot + " in", dir, e));
        }
        unflushed.clear();
        directoryUnflushed = false;
        startOffset = newStart;
        epochIndex.reset(newStart, snapshot.epoch());
        assert recoveryPoint.offset() <= newStart : recoveryPoint.offset() + " > " + newStart;
    }

    /**
     * Remembers a failed write. After an I/O error the page cache and the disk may disagree, and
     * a second fsync can report success for data that never reached the disk, so every later
     * write is refused: the node must restart and recover from what the files hold.
     */
    private UncheckedIOException poison(UncheckedIOException failure) {
        if (this.failure == null) {
            this.failure = failure;
        }
        return failure;
    }

    private void ensureWritable() {
        if (failure != null) {
            throw new IllegalStateException("the log in " + dir + " refused a write after an earlier I/O failure ("
                    + failure.getMessage() + "); restart the node to recover from its files", failure);
        }
    }

    @Override
    public long flush() {
        ensureWritable();
        long endOffset = endOffset();
        try {
            for (LogSegment segment : unflushed) {
                segment.flush();
            }
            unflushed.clear();
            if (directoryUnflushed) {
                DurableFiles.fsyncDirectory(dir);
                directoryUnflushed = false;
            }
            // Only after the data is durable may the recovery point claim it.
            if (recoveryPoint() < endOffset) {
                recoveryPoint.write(endOffset);
            }
            assert unflushed.isEmpty() && recoveryPoint() == endOffset : "flush left " + unflushed + " / " + recoveryPoint();
        } catch (IOException e) {
            throw poison(DurableFiles.failure("flush the log in", dir, e));
        }
        return endOffset;
    }

    /** Closes the files without flushing; appended batches stay in the page cache. */
    @Override
    public void close() {
        List<AutoCloseable> closeables = new ArrayList<>(segments.values());
        closeables.add(recoveryPoint);
        closeables.add(lockChannel);
        IOException failure = null;
        for (AutoCloseable closeable : closeables) {
            try {
                closeable.close();
            } catch (Exception e) {
                failure = failure == null ? new IOException("cannot close the log in " + dir) : failure;
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            throw DurableFiles.failure("close", dir, failure);
        }
    }

    private LogSegment activeSegment() {
        return segments.lastEntry().getValue();
    }

    private LogSegment segmentFor(long offset) {
        Map.Entry<Long, LogSegment> entry = segments.floorEntry(offset);
        if (entry == null) {
            throw new IllegalStateException("no segment holds offset " + offset + " in " + dir);
        }
        return entry.getValue();
    }

    private void requireInLog(long offset) {
        if (offset < startOffset || offset >= endOffset()) {
            throw new IllegalArgumentException("offset " + offset + " is not in the log [" + startOffset + ", " + endOffset() + ")");
        }
    }

    private long positionOfBatchStartingAt(LogSegment segment, long offset) {
        LogSegment.Located located = locate(segment, offset);
        if (located.header().baseOffset() != offset) {
            Header header = located.header();
            throw new IllegalArgumentException("offset " + offset + " is inside the batch [" + header.baseOffset() + ".."
                    + (header.endOffset() - 1) + "], not on a batch boundary");
        }
        return located.position();
    }

    private LogSegment.Located locate(LogSegment segment, long offset) {
        try {
            return segment.locate(offset);
        } catch (InvalidFrameException e) {
            throw new CorruptStorageException(segment.file(), "bad batch while looking for offset " + offset + ": " + e.getMessage());
        } catch (IOException e) {
            throw DurableFiles.failure("read", segment.file(), e);
        }
    }

    private Header readHeader(LogSegment segment, long position) {
        try {
            return segment.readHeader(position);
        } catch (InvalidFrameException e) {
            throw new CorruptStorageException(segment.file(), "bad batch at byte position " + position + ": " + e.getMessage());
        } catch (IOException e) {
            throw DurableFiles.failure("read", segment.file(), e);
        }
    }

    private Batch readBatch(LogSegment segment, long position, Header header) {
        try {
            return segment.readBatch(position, header);
        } catch (InvalidFrameException e) {
            throw new CorruptStorageException(segment.file(), "bad batch at byte position " + position + " (offset "
                    + header.baseOffset() + "): " + e.getMessage());
        } catch (IOException e) {
            throw DurableFiles.failure("read", segment.file(), e);
        }
    }

    private static void closeQuietly(Closeable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (IOException e) {
            // The open failed already; that failure is the one to report.
        }
    }

    @Override
    public String toString() {
        return "FileRaftLog[" + dir + ", " + startOffset + ".." + endOffset() + ", segments=" + segments.values() + "]";
    }
}
