package io.kraftlet.log;

import io.kraftlet.log.BatchFrame.Header;
import io.kraftlet.log.BatchFrame.InvalidFrameException;
import io.kraftlet.raft.Batch;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One segment of a {@link FileRaftLog}: the file {@code <baseOffset, 20 digits>.log} of
 * {@link BatchFrame}s, whose first batch starts at {@code baseOffset}, and its
 * {@link OffsetIndex} ({@code .index}). Knows byte positions; the log above it knows offsets
 * across segments, durability ordering and recovery.
 *
 * <p>Driver thread only. Methods block on the disk and throw {@link IOException};
 * frame-level problems surface as {@link InvalidFrameException} for the caller to judge.
 */
final class LogSegment implements Closeable {
    static final String LOG_SUFFIX = ".log";
    static final String INDEX_SUFFIX = ".index";
    private static final Pattern LOG_NAME = Pattern.compile("(\\d{20})\\.log");

    /** A batch located in this segment: its byte position and header. */
    record Located(long position, Header header) {
    }

    private final long baseOffset;
    private final Path logFile;
    private final FileChannel channel;
    private final OffsetIndex index;
    private long sizeBytes;
    private long endOffset;

    private LogSegment(long baseOffset, Path logFile, FileChannel channel, OffsetIndex index) throws IOException {
        this.baseOffset = baseOffset;
        this.logFile = logFile;
        this.channel = channel;
        this.index = index;
        this.sizeBytes = channel.size();
        this.endOffset = baseOffset;
    }

    static String logFileName(long baseOffset) {
        return String.format("%020d", baseOffset) + LOG_SUFFIX;
    }

    /** The base offset a segment file name encodes, or empty for any other name. */
    static Optional<Long> baseOffsetOf(String fileName) {
        Matcher matcher = LOG_NAME.matcher(fileName);
        return matcher.matches() ? Optional.of(Long.parseLong(matcher.group(1))) : Optional.empty();
    }

    static Path indexFileFor(Path logFile) {
        String name = logFile.getFileName().toString();
        return logFile.resolveSibling(name.substring(0, name.length() - LOG_SUFFIX.length()) + INDEX_SUFFIX);
    }

    /** Creates a new, empty segment; the caller fsyncs the directory before relying on it. */
    static LogSegment create(Path dir, long baseOffset, int indexIntervalBytes) throws IOException {
        Path logFile = dir.resolve(logFileName(baseOffset));
        FileChannel channel = FileChannel.open(logFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        Files.deleteIfExists(indexFileFor(logFile));
        return new LogSegment(baseOffset, logFile, channel, OffsetIndex.open(indexFileFor(logFile), indexIntervalBytes));
    }

    /**
     * Opens an existing segment knowing nothing of its batches yet: the loader scans it with
     * {@link #readHeader} / {@link #readBatch} and reports each good batch with {@link #onLoaded}.
     */
    static LogSegment open(Path logFile, long baseOffset, int indexIntervalBytes) throws IOException {
        FileChannel channel = FileChannel.open(logFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
        return new LogSegment(baseOffset, logFile, channel, OffsetIndex.open(indexFileFor(logFile), indexIntervalBytes));
    }

    long baseOffset() {
        return baseOffset;
    }

    /** The offset after the last batch of this segment ({@link #baseOffset()} when empty). */
    long endOffset() {
        return endOffset;
    }

    long sizeBytes() {
        return sizeBytes;
    }

    Path file() {
        return logFile;
    }

    Path indexFile() {
        return index.file();
    }

    /** Reads the header at {@code position}, checking the whole frame lies inside the file. */
    Header readHeader(long position) throws IOException, InvalidFrameException {
        ByteBuffer buffer = ByteBuffer.allocate(BatchFrame.HEADER_BYTES);
        int read = DurableFiles.readFully(channel, buffer, position);
        long available = sizeBytes - position;
        if (read < BatchFrame.HEADER_BYTES || available < BatchFrame.HEADER_BYTES) {
            throw new InvalidFrameException("partial header: " + Math.min(read, available) + " of "
                    + BatchFrame.HEADER_BYTES + " bytes");
        }
        Header header = BatchFrame.parseHeader(buffer);
        if (header.totalLength() > available) {
            throw new InvalidFrameException("partial batch: the frame needs " + header.totalLength()
                    + " bytes but only " + available + " remain in the file");
        }
        return header;
    }

    /** Reads the whole frame at {@code position} and verifies its CRC. */
    Batch readBatch(long position, Header header) throws IOException, InvalidFrameException {
        ByteBuffer frame = ByteBuffer.allocate(header.totalLength());
        if (DurableFiles.readFully(channel, frame, position) < header.totalLength()) {
            throw new InvalidFrameException("partial batch: the file ended inside the frame");
        }
        return BatchFrame.decode(header, frame);
    }

    /** Records a verified batch found at {@code position} while loading. */
    void onLoaded(Header header, long position) {
        index.onBatch(header.baseOffset(), position);
        endOffset = header.endOffset();
    }

    /** Ends loading: rewrites the index file if it was missing or stale; returns true if it did. */
    boolean finishLoading() throws IOException {
        return index.rewriteIfStale();
    }

    /** Appends an encoded frame at the end of the file (no fsync). */
    void append(ByteBuffer frame, long batchBaseOffset, long batchEndOffset) throws IOException {
        long position = sizeBytes;
        int length = frame.remaining();
        DurableFiles.writeFully(channel, frame, position);
        sizeBytes += length;
        endOffset = batchEndOffset;
        index.onAppend(batchBaseOffset, position);
    }

    /**
     * Finds the batch holding {@code offset} (which must lie in [{@link #baseOffset()},
     * {@link #endOffset()})), starting from the nearest index entry.
     */
    Located locate(long offset) throws IOException, InvalidFrameException {
        long position = index.floorPosition(offset);
        while (position < sizeBytes) {
            Header header = readHeader(position);
            if (header.endOffset() > offset) {
                return new Located(position, header);
            }
            position += header.totalLength();
        }
        throw new IllegalStateException(logFile + " has no batch holding offset " + offset);
    }

    /** Cuts the file at {@code position} (where the batch {@code offset} starts) and fsyncs it. */
    void truncate(long position, long offset) throws IOException {
        channel.truncate(position);
        channel.force(true);
        sizeBytes = position;
        endOffset = offset;
        index.truncateTo(offset);
    }

    /**
     * fsyncs the data. {@code force(false)} is fdatasync: it also persists the file size
     * (metadata needed to read the data back) but skips timestamps, which nobody needs.
     */
    void flush() throws IOException {
        channel.force(false);
    }

    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            index.close();
        }
    }

    /** Closes and removes both files; the caller fsyncs the directory when it must be durable. */
    void delete() throws IOException {
        close();
        Files.deleteIfExists(logFile);
        Files.deleteIfExists(index.file());
    }

    @Override
    public String toString() {
        return logFile.getFileName() + "[" + baseOffset + ", " + endOffset + ")";
    }
}
