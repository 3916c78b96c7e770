package io.kraftlet.replication.log;

import io.kraftlet.log.CorruptStorageException;
import io.kraftlet.log.FileRaftLog;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A {@link PartitionLog} in one directory of segment files, stored exactly as the metadata log
 * is: a {@link FileRaftLog} holds the CRC32C-framed batches, the sparse offset indexes, the
 * durable recovery point and log start offset, and recovers on open (every batch is verified;
 * a bad batch at or after the recovery point is a torn tail and is cut with a WARN, one below
 * it is {@link CorruptStorageException} naming the file, byte position and offset). The
 * leader-epoch cache is rebuilt on open from the epochs in the batch headers and the durable
 * start epoch, so it is persisted by construction and can never disagree with the log.
 *
 * <p>Group commit: {@link #flush()} fsyncs every segment written since the last flush, then the
 * recovery point. Only one open instance per directory (a file lock keeps a second out).
 *
 * <p>Same thread rules as {@link PartitionLog}; every method may block on the disk.
 */
public final class FilePartitionLog extends RaftLogPartitionLog {
    /** Kafka's {@code log.segment.bytes} default, 1 GiB (also the largest segment allowed). */
    public static final int DEFAULT_SEGMENT_BYTES = FileRaftLog.MAX_SEGMENT_BYTES;
    /** Kafka's {@code log.index.interval.bytes} default. */
    public static final int DEFAULT_INDEX_INTERVAL_BYTES = 4096;

    private final FileRaftLog log;
    private boolean closed;

    private FilePartitionLog(FileRaftLog log) {
        super(log);
        this.log = log;
    }

    /** Segment and index options with the partition-log defaults. */
    public static FileRaftLog.Builder defaultOptions() {
        return FileRaftLog.builder().segmentBytes(DEFAULT_SEGMENT_BYTES).indexIntervalBytes(DEFAULT_INDEX_INTERVAL_BYTES);
    }

    /** Opens (creating if needed) the log in {@code dir} with {@link #defaultOptions()}. */
    public static FilePartitionLog open(Path dir) {
        return open(dir, defaultOptions());
    }

    /**
     * Opens (creating if needed) the log in {@code dir}, recovering from an unclean stop.
     *
     * @throws CorruptStorageException if flushed data is damaged or missing
     * @throws IllegalStateException if another instance holds the directory
     * @throws java.io.UncheckedIOException if the files cannot be read or written
     */
    public static FilePartitionLog open(Path dir, FileRaftLog.Builder options) {
        return new FilePartitionLog(FileRaftLog.open(dir, options));
    }

    public Path directory() {
        return log.directory();
    }

    /** The torn tail open cut off, if it did. */
    public Optional<FileRaftLog.TruncatedTail> truncatedTailOnOpen() {
        return log.truncatedTailOnOpen();
    }

    /** The end offset covered by the last completed flush. */
    public long recoveryPoint() {
        return log.recoveryPoint();
    }

    /** The segment files in offset order, for tools and tests. */
    public List<Path> segmentFiles() {
        return log.segmentFiles();
    }

    /** Closes the files without flushing; appended batches stay in the page cache. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            log.close();
        }
    }

    @Override
    public String toString() {
        return "FilePartitionLog[" + log.directory() + ", " + startOffset() + ".." + endOffset() + ", epoch " + latestEpoch() + "]";
    }
}
