package io.kraftlet.log;

import io.kraftlet.log.BatchFrame.Header;
import io.kraftlet.log.BatchFrame.InvalidFrameException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the directory of a {@link FileRaftLog} and decides what survived the last stop.
 *
 * <p>Every batch of every segment is read and its CRC checked: a metadata log is kept short by
 * snapshots, and a voter must not vote on a log it has not verified. The verdict on a bad
 * batch depends on where it starts relative to the durable recovery point R (the end offset
 * of the last completed flush):
 * <ul>
 *   <li>at or after R — a torn write after an unclean stop, never acknowledged: the segment
 *       is cut there, later segments are deleted, and a WARN names the file, byte position
 *       and offset;</li>
 *   <li>below R — flushed, possibly acknowledged data is damaged: {@link CorruptStorageException}.
 *       So are offsets that do not follow on, a segment missing from the middle, and a log
 *       that ends before R (flushed data missing).</li>
 * </ul>
 * Segments entirely below the durable log start (left by a crash during a prefix delete) are
 * deleted; a log whose data all lies below its start becomes an empty segment at the start.
 *
 * <p>Used once per open, on the driver thread; blocks on the disk.
 */
final class LogLoader {
    private static final Logger log = LoggerFactory.getLogger(FileRaftLog.class);

    /** What open found: segments in offset order, ready for appends to the last. */
    record Loaded(List<LogSegment> segments, EpochIndex epochIndex, long startOffset, RecoveryPointFile recoveryPoint,
                  Optional<FileRaftLog.TruncatedTail> truncatedTail) {
    }

    /** The first bad batch found at or after the recovery point. */
    private record TornBatch(long position, long offset, String reason) {
    }

    private final Path dir;
    private final int indexIntervalBytes;
    private final List<LogSegment> segments = new ArrayList<>();
    private final EpochIndex epochIndex = new EpochIndex();
    private long startOffset;
    private long recoveryPoint;
    private Optional<FileRaftLog.TruncatedTail> truncatedTail = Optional.empty();

    private LogLoader(Path dir, int indexIntervalBytes) {
        this.dir = dir;
        this.indexIntervalBytes = indexIntervalBytes;
    }

    static Loaded load(Path dir, int indexIntervalBytes) throws IOException {
        return new LogLoader(dir, indexIntervalBytes).load();
    }

    private Loaded load() throws IOException {
        deleteLeftovers();
        LogStartFile.Start start = LogStartFile.read(dir);
        startOffset = start.offset();
        epochIndex.reset(start.offset(), start.epoch());
        List<Long> bases = segmentBases();
        RecoveryPointFile recoveryPointFile = openRecoveryPoint(bases);
        recoveryPoint = recoveryPointFile.offset();
        try {
            openSegments(dropSegmentsBelowStart(bases));
            scanSegments();
            finish(recoveryPointFile.file());
            return new Loaded(List.copyOf(segments), epochIndex, startOffset, recoveryPointFile, truncatedTail);
        } catch (IOException | RuntimeException e) {
            closeQuietly(recoveryPointFile, e);
            for (LogSegment segment : segments) {
                closeQuietly(segment, e);
            }
            throw e;
        }
    }

    private void deleteLeftovers() throws IOException {
        Files.deleteIfExists(DurableFiles.tempFileFor(dir.resolve(RecoveryPointFile.FILE_NAME)));
        Files.deleteIfExists(DurableFiles.tempFileFor(dir.resolve(LogStartFile.FILE_NAME)));
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(LogSegment.INDEX_SUFFIX) && !Files.exists(dir.resolve(
                        name.substring(0, name.length() - LogSegment.INDEX_SUFFIX.length()) + LogSegment.LOG_SUFFIX))) {
                    Files.delete(file);
                }
            }
        }
    }

    private List<Long> segmentBases() throws IOException {
        List<Long> bases = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(LogSegment.LOG_SUFFIX)) {
                    bases.add(LogSegment.baseOffsetOf(name).orElseThrow(() -> new CorruptStorageException(file,
                            "not a segment name (expected 20 digits of base offset + .log): a garbled segment?")));
                }
            }
        }
        bases.sort(null);
        return bases;
    }

    private RecoveryPointFile openRecoveryPoint(List<Long> bases) throws IOException {
        if (RecoveryPointFile.exists(dir)) {
            return RecoveryPointFile.open(dir);
        }
        if (!bases.isEmpty()) {
            // It is created before the first segment, so segments without it mean it was lost.
            throw new CorruptStorageException(RecoveryPointFile.fileIn(dir), "missing while the log holds "
                    + bases.size() + " segment(s): flushed batches cannot be told from a torn tail without it");
        }
        return RecoveryPointFile.create(dir, startOffset);
    }

    /** Deletes leading segments that a crash during a prefix delete left entirely below the start. */
    private List<Long> dropSegmentsBelowStart(List<Long> bases) throws IOException {
        List<Long> kept = new ArrayList<>(bases);
        while (kept.size() >= 2 && kept.get(1) <= startOffset) {
            Path logFile = dir.resolve(LogSegment.logFileName(kept.remove(0)));
            Files.deleteIfExists(LogSegment.indexFileFor(logFile));
            Files.delete(logFile);
        }
        return kept;
    }

    private void openSegments(List<Long> bases) throws IOException {
        for (long base : bases) {
            segments.add(LogSegment.open(dir.resolve(LogSegment.logFileName(base)), base, indexIntervalBytes));
        }
    }

    private void scanSegments() throws IOException {
        for (int i = 0; i < segments.size(); i++) {
            LogSegment segment = segments.get(i);
            Optional<TornBatch> gap = checkFollowsOn(i, segment);
            if (gap.isPresent()) {
                truncateTornTail(i - 1, gap.get());
                return;
            }
            Optional<TornBatch> torn = scan(segment);
            if (torn.isPresent()) {
                truncateTornTail(i, torn.get());
                return;
            }
        }
    }

    /**
     * Checks the segment begins where the previous one ends. A gap at or after the recovery
     * point is a lost unflushed segment (its directory entry was not yet fsynced) and is
     * returned as a torn tail of the previous segment; any other mismatch is corruption.
     */
    private Optional<TornBatch> checkFollowsOn(int i, LogSegment segment) {
        if (i == 0) {
            if (segment.baseOffset() > startOffset) {
                throw new CorruptStorageException(segment.file(), "the log starts at offset " + startOffset
                        + " but its first segment begins at offset " + segment.baseOffset() + ": segments are missing");
            }
            return Optional.empty();
        }
        LogSegment previous = segments.get(i - 1);
        if (segment.baseOffset() == previous.endOffset()) {
            return Optional.empty();
        }
        String mismatch = "segment " + segment.file().getFileName() + " begins at offset " + segment.baseOffset()
                + " but the previous segment ends at offset " + previous.endOffset();
        if (segment.baseOffset() > previous.endOffset() && previous.endOffset() >= recoveryPoint) {
            return Optional.of(new TornBatch(previous.sizeBytes(), previous.endOffset(), mismatch + ": unflushed segment lost"));
        }
        throw new CorruptStorageException(segment.file(), mismatch + " (recovery point " + recoveryPoint
                + "): a segment is missing or garbled");
    }

    /** Verifies every batch; returns the first bad one if it lies at or after the recovery point. */
    private Optional<TornBatch> scan(LogSegment segment) throws IOException {
        long position = 0;
        long expectedOffset = segment.baseOffset();
        while (position < segment.sizeBytes()) {
            Header header;
            try {
                header = segment.readHeader(position);
                segment.readBatch(position, header);
            } catch (InvalidFrameException e) {
                if (expectedOffset >= recoveryPoint) {
                    return Optional.of(new TornBatch(position, expectedOffset, e.getMessage()));
                }
                throw new CorruptStorageException(segment.file(), "bad batch at byte position " + position
                        + " (offset " + expectedOffset + "), below the recovery point " + recoveryPoint + ": "
                        + e.getMessage() + ". It was flushed, so it is not a torn write; refusing to drop it");
            }
            checkBatch(segment, position, expectedOffset, header);
            segment.onLoaded(header, position);
            position += header.totalLength();
            expectedOffset = header.endOffset();
        }
        return Optional.empty();
    }

    private void checkBatch(LogSegment segment, long position, long expectedOffset, Header header) {
        String at = "batch at byte position " + position + " (offset " + header.baseOffset() + ")";
        if (header.baseOffset() != expectedOffset) {
            throw new CorruptStorageException(segment.file(), at + " does not follow on: offset " + expectedOffset
                    + " was expected");
        }
        if (header.baseOffset() < startOffset && header.endOffset() > startOffset) {
            throw new CorruptStorageException(segment.file(), at + " holds the log start offset " + startOffset
                    + " in its middle");
        }
        if (header.baseOffset() < startOffset) {
            return;
        }
        if (header.epoch() < epochIndex.lastEpoch()) {
            throw new CorruptStorageException(segment.file(), at + " has epoch " + header.epoch()
                    + ", older than the epoch " + epochIndex.lastEpoch() + " before it");
        }
        epochIndex.onAppend(header.epoch(), header.baseOffset());
    }

    private void truncateTornTail(int index, TornBatch torn) throws IOException {
        LogSegment segment = segments.get(index);
        long bytesDropped = segment.sizeBytes() - torn.position();
        List<Path> deleted = new ArrayList<>();
        while (segments.size() > index + 1) {
            LogSegment later = segments.remove(segments.size() - 1);
            bytesDropped += later.sizeBytes();
            deleted.add(0, later.file());
            later.delete();
        }
        if (!deleted.isEmpty()) {
            // Deleted names must not come back after a crash behind the shortened segment.
            DurableFiles.fsyncDirectory(dir);
        }
        segment.truncate(torn.position(), torn.offset());
        log.warn("{}: truncated a torn tail at byte position {} (offset {}), at or after the recovery point {}: {};"
                        + " dropped {} bytes of unflushed batches{}", segment.file(), torn.position(), torn.offset(),
                recoveryPoint, torn.reason(), bytesDropped, deleted.isEmpty() ? "" : " and the segments " + deleted);
        truncatedTail = Optional.of(new FileRaftLog.TruncatedTail(segment.file(), torn.position(), torn.offset(),
                recoveryPoint, torn.reason(), bytesDropped, List.copyOf(deleted)));
    }

    private void finish(Path recoveryPointPath) throws IOException {
        long endOffset = segments.isEmpty() ? startOffset : segments.get(segments.size() - 1).endOffset();
        if (recoveryPoint > endOffset) {
            Path file = segments.isEmpty() ? recoveryPointPath : segments.get(segments.size() - 1).file();
            throw new CorruptStorageException(file, "the log ends at offset " + endOffset + " but the recovery point "
                    + recoveryPoint + " says batches up to there were flushed: flushed data is missing");
        }
        if (segments.isEmpty() || endOffset < startOffset) {
            // Everything left lies below the start (a crash during resetTo or a prefix delete).
            for (LogSegment segment : segments) {
                segment.delete();
            }
            segments.clear();
            segments.add(LogSegment.create(dir, startOffset, indexIntervalBytes));
            DurableFiles.fsyncDirectory(dir);
        }
        for (LogSegment segment : segments) {
            if (segment.finishLoading()) {
                log.info("{}: rebuilt the offset index {}", dir, segment.indexFile().getFileName());
            }
        }
    }

    private static void closeQuietly(AutoCloseable closeable, Exception primary) {
        try {
            closeable.close();
        } catch (Exception e) {
            primary.addSuppressed(e);
        }
    }
}
