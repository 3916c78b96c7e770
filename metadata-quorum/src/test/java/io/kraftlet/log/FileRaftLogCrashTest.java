package io.kraftlet.log;

import static io.kraftlet.log.LogFixtures.assertSameBatches;
import static io.kraftlet.log.LogFixtures.batch;
import static io.kraftlet.log.LogFixtures.frameBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.raft.Batch;
import io.kraftlet.raft.SnapshotId;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unclean stops simulated on real files: torn tails are cut back to the last whole batch, and
 * nothing a completed flush covered is ever lost; damage to flushed data is refused with a
 * message naming the file and the offset.
 */
class FileRaftLogCrashTest {
    private static final String FIRST_SEGMENT = "00000000000000000000.log";

    @TempDir
    Path dir;

    private FileRaftLog log;
    private final List<Batch> appended = new ArrayList<>();

    @AfterEach
    void closeLog() {
        if (log != null) {
            log.close();
        }
    }

    private FileRaftLog open(FileRaftLog.Builder options) {
        log = FileRaftLog.open(dir, options);
        return log;
    }

    private void append(int count) {
        for (int i = 0; i < count; i++) {
            Batch batch = batch(log.endOffset(), 1 + appended.size() / 4, "record-" + appended.size(), "x".repeat(appended.size()));
            log.append(batch);
            appended.add(batch);
        }
    }

    /** Byte position of batch {@code index} in a log that has a single segment. */
    private long positionOf(int index) {
        long position = 0;
        for (int i = 0; i < index; i++) {
            position += frameBytes(appended.get(i));
        }
        return position;
    }

    private void stop() {
        log.close();
        log = null;
    }

    private static void cut(Path file, long size) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size);
        }
    }

    private static void flipBit(Path file, long position) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(position);
            int value = raf.read();
            raf.seek(position);
            raf.write(value ^ 0x10);
        }
    }

    private List<Batch> readAll() {
        return log.read(log.startOffset(), Long.MAX_VALUE, Integer.MAX_VALUE);
    }

    @Test
    void aTailCutMidBatchIsTruncatedToTheLastWholeBatch() throws IOException {
        open(FileRaftLog.builder());
        append(5);
        log.flush();
        append(3);
        stop();
        Path segment = dir.resolve(FIRST_SEGMENT);
        long tornAt = positionOf(6);
        cut(segment, tornAt + frameBytes(appended.get(6)) / 2);

        open(FileRaftLog.builder());
        assertEquals(appended.get(5).endOffset(), log.endOffset());
        assertSameBatches(appended.subList(0, 6), readAll());
        FileRaftLog.TruncatedTail tail = log.truncatedTailOnOpen().orElseThrow();
        assertEquals(segment, tail.file());
        assertEquals(tornAt, tail.position());
        assertEquals(appended.get(6).baseOffset(), tail.offset());
        assertTrue(tail.reason().contains("partial"), tail.reason());
        assertEquals(tornAt, Files.size(segment), "the torn bytes are gone from the file");
        log.append(batch(log.endOffset(), 9, "after"));
        assertEquals(log.endOffset(), log.flush());
    }

    @Test
    void aBitFlipInTheLastBatchAfterTheRecoveryPointIsTruncatedWithAWarning() throws IOException {
        open(FileRaftLog.builder());
        append(5);
        log.flush();
        append(1);
        stop();
        flipBit(dir.resolve(FIRST_SEGMENT), positionOf(5) + BatchFrame.HEADER_BYTES + 2);

        open(FileRaftLog.builder());
        assertSameBatches(appended.subList(0, 5), readAll());
        FileRaftLog.TruncatedTail tail = log.truncatedTailOnOpen().orElseThrow();
        assertTrue(tail.reason().contains("CRC32C"), tail.reason());
        assertEquals(appended.get(5).baseOffset(), tail.offset());
        assertEquals(appended.get(4).endOffset(), tail.recoveryPoint());
    }

    @Test
    void aBitFlipInAFlushedBatchIsRefusedNamingTheFileAndOffset() throws IOException {
        open(FileRaftLog.builder());
        append(6);
        log.flush();
        stop();
        long position = positionOf(2);
        flipBit(dir.resolve(FIRST_SEGMENT), position + BatchFrame.HEADER_BYTES + 1);

        CorruptStorageException error = assertThrows(CorruptStorageException.class, () -> open(FileRaftLog.builder()));
        assertTrue(error.getMessage().contains(FIRST_SEGMENT), error.getMessage());
        assertTrue(error.getMessage().contains("offset " + appended.get(2).baseOffset()), error.getMessage());
        assertTrue(error.getMessage().contains("byte position " + position), error.getMessage());
        assertEquals(dir.resolve(FIRST_SEGMENT), error.file());
        assertEquals(positionOf(6), Files.size(dir.resolve(FIRST_SEGMENT)), "nothing was dropped");
    }

    @Test
    void aBitFlipInTheBaseOffsetOfAFlushedBatchIsRefused() throws IOException {
        open(FileRaftLog.builder());
        append(4);
        log.flush();
        stop();
        flipBit(dir.resolve(FIRST_SEGMENT), positionOf(1) + 12);

        CorruptStorageException error = assertThrows(CorruptStorageException.class, () -> open(FileRaftLog.builder()));
        assertTrue(error.getMessage().contains("CRC32C"), error.getMessage());
    }

    @Test
    void aCutInsideFlushedDataIsRefused() throws IOException {
        open(FileRaftLog.builder());
        append(6);
        log.flush();
        stop();
        cut(dir.resolve(FIRST_SEGMENT), positionOf(4));

        CorruptStorageException error = assertThrows(CorruptStorageException.class, () -> open(FileRaftLog.builder()));
        assertTrue(error.getMessage().contains("flushed data is missing"), error.getMessage());
        assertTrue(error.getMessage().contains(FIRST_SEGMENT), error.getMessage());
    }

    @Test
    void aMissingMiddleSegmentIsRefused() throws IOException {
        FileRaftLog.Builder options = FileRaftLog.builder().segmentBytes(100);
        open(options);
        append(12);
        log.flush();
        List<Path> segments = log.segmentFiles();
        stop();
        assertTrue(segments.size() >= 4, "segments: " + segments);
        Files.delete(segments.get(1));

        CorruptStorageException error = assertThrows(CorruptStorageException.class, () -> open(options));
        assertTrue(error.getMessage().contains(segments.get(2).toString()), error.getMessage());
        assertTrue(error.getMessage().contains("missing"), error.getMessage());
    }

    @Test
    void aGarbledMiddleSegmentIsRefusedNamingIt() throws IOException {
        FileRaftLog.Builder options = FileRaftLog.builder().segmentBytes(100);
        open(options);
        append(12);
        log.flush();
        List<Path> segments = log.segmentFiles();
        stop();
        byte[] garbage = new byte[(int) Files.size(segments.get(1))];
        new Random(1).nextBytes(garbage);
        Files.write(segments.get(1), garbage);

        CorruptStorageException error = assertThrows(CorruptStorageException.class, () -> open(options));
        assertTrue(error.getMessage().startsWith(segments.get(1).toString()), error.getMessage());
        assertTrue(error.getMessage().contains("below the recovery point"), error.getMessage());
    }

    @Test
    void aValidBatchWhoseOffsetDoesNotFollowOnIsRefusedEvenInTheTail() throws IOException {
        open(FileRaftLog.builder());
        append(3);
        log.flush();
        stop();
        ByteBuffer stray = BatchFrame.encode(batch(appended.get(2).endOffset() + 5, 1, "stray"));
        try (FileChannel channel = FileChannel.open(dir.resolve(FIRST_SEGMENT), StandardOpenOption.APPEND)) {
            channel.write(stray);
        }

        CorruptStorageException error = assertThrows(CorruptStorageException.class, () -> open(FileRaftLog.builder()));
        assertTrue(error.getMessage().contains("does not follow on"), error.getMessage());
    }

    @Test
    void aCrashBetweenWriteAndFsyncRecoversExactlyTheFlushedBatches() throws IOException {
        FileRaftLog.Builder options = FileRaftLog.builder().segmentBytes(150);
        open(options);
        append(7);
        log.flush();
        Map<Path, Long> flushedSizes = fileSizes();
        int flushedCount = appended.size();
        append(6);
        stop();
        loseUnflushedWrites(flushedSizes);

        open(options);
        assertSameBatches(appended.subList(0, flushedCount), readAll());
        assertTrue(log.truncatedTailOnOpen().isEmpty(), "a cut on a batch boundary leaves no torn batch");
        assertEquals(appended.get(flushedCount - 1).endOffset(), log.recoveryPoint());
    }

    private Map<Path, Long> fileSizes() throws IOException {
        Map<Path, Long> sizes = new HashMap<>();
        for (Path segment : log.segmentFiles()) {
            sizes.put(segment, Files.size(segment));
        }
        return sizes;
    }

    /** What the page cache loses in a power cut: bytes and files no fsync covered. */
    private void loseUnflushedWrites(Map<Path, Long> flushedSizes) throws IOException {
        try (var files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".log")).toList()) {
                Long flushed = flushedSizes.get(file);
                if (flushed == null) {
                    Files.delete(file);
                } else {
                    cut(file, flushed);
                }
            }
        }
    }

    @Test
    void aTornRecoveryPointWriteFallsBackToThePreviousPoint() throws IOException {
        open(FileRaftLog.builder());
        append(3);
        long firstPoint = log.flush();
        append(2);
        log.flush();
        stop();
        // The newest slot is the one the second flush wrote; tear it.
        Path file = dir.resolve(RecoveryPointFile.FILE_NAME);
        byte[] content = Files.readAllBytes(file);
        int newest = ByteBuffer.wrap(content, 4, 8).getLong() > ByteBuffer.wrap(content, 36, 8).getLong() ? 0 : 32;
        flipBit(file, newest + 14);

        open(FileRaftLog.builder());
        assertEquals(firstPoint, log.recoveryPoint());
        assertSameBatches(appended, readAll());
    }

    @Test
    void aMissingRecoveryPointFileIsRefused() throws IOException {
        open(FileRaftLog.builder());
        append(2);
        log.flush();
        stop();
        Files.delete(dir.resolve(RecoveryPointFile.FILE_NAME));

        CorruptStorageException error = assertThrows(CorruptStorageException.class, () -> open(FileRaftLog.builder()));
        assertTrue(error.getMessage().contains(RecoveryPointFile.FILE_NAME), error.getMessage());
    }

    @Test
    void aCrashDuringAPrefixDeleteLeavesSegmentsThatOpenRemoves() throws IOException {
        FileRaftLog.Builder options = FileRaftLog.builder().segmentBytes(100);
        open(options);
        append(12);
        log.flush();
        List<Path> segments = log.segmentFiles();
        stop();
        // The new start was recorded; the crash came before any segment was deleted.
        Batch startBatch = appended.get(8);
        LogStartFile.write(dir, startBatch.baseOffset(), appended.get(7).epoch());

        open(options);
        assertEquals(startBatch.baseOffset(), log.startOffset());
        assertSameBatches(appended.subList(8, 12), readAll());
        assertTrue(Files.notExists(segments.get(0)));
        assertTrue(log.segmentFiles().size() < segments.size());
    }

    @Test
    void aCrashDuringResetToLeavesAnEmptyLogAtTheNewStart() throws IOException {
        FileRaftLog.Builder options = FileRaftLog.builder().segmentBytes(100);
        open(options);
        append(6);
        log.flush();
        List<Path> segments = log.segmentFiles();
        stop();
        // resetTo lowered the recovery point, deleted the segments and recorded the new start.
        try (RecoveryPointFile point = RecoveryPointFile.open(dir)) {
            point.write(0);
        }
        for (Path segment : segments) {
            Files.delete(segment);
        }
        LogStartFile.write(dir, 500, 9);

        open(options);
        assertEquals(500, log.startOffset());
        assertEquals(500, log.endOffset());
        assertEquals(9, log.lastEpoch());
        log.append(batch(500, 9, "next"));
        log.flush();
    }

    @Test
    void resetToAfterACrashMidTruncationStillOpens() throws IOException {
        open(FileRaftLog.builder().segmentBytes(100));
        append(8);
        log.flush();
        log.truncateTo(appended.get(3).baseOffset());
        log.resetTo(new SnapshotId(appended.get(2).endOffset(), appended.get(2).epoch()));
        stop();
        open(FileRaftLog.builder().segmentBytes(100));
        assertEquals(appended.get(2).endOffset(), log.startOffset());
        assertEquals(log.startOffset(), log.endOffset());
    }

    /**
     * Many random workloads, each ended by a power cut that loses a random part of what no
     * fsync covered — per segment a random cut, sometimes junk after it, sometimes the whole
     * new file. Reopening never throws, and every flushed batch is still there, unchanged.
     */
    @Test
    void randomTailCutsNeverLoseAFlushedBatch() throws IOException {
        Random random = new Random(20_261_125L);
        int tornTails = 0;
        int lostSegments = 0;
        for (int run = 0; run < 150; run++) {
            Path runDir = dir.resolve("run-" + run);
            Optional<FileRaftLog.TruncatedTail> tail = runRandomCut(random, runDir, "run " + run);
            tornTails += tail.isPresent() ? 1 : 0;
            lostSegments += tail.isPresent() && !tail.get().deletedSegments().isEmpty() ? 1 : 0;
        }
        assertTrue(tornTails > 30, "torn tails seen: " + tornTails);
        assertTrue(lostSegments > 0, "tails spanning segments seen: " + lostSegments);
    }

    private Optional<FileRaftLog.TruncatedTail> runRandomCut(Random random, Path runDir, String context) throws IOException {
        FileRaftLog.Builder options = FileRaftLog.builder().segmentBytes(120 + random.nextInt(400)).indexIntervalBytes(40);
        List<Batch> batches = new ArrayList<>();
        long flushedEnd = 0;
        Map<Path, Long> flushedSizes = new HashMap<>();
        try (FileRaftLog runLog = FileRaftLog.open(runDir, options)) {
            // Open creates the first segment and fsyncs the directory: its name is durable.
            flushedSizes.put(runLog.segmentFiles().get(0), 0L);
            int count = 1 + random.nextInt(30);
            for (int i = 0; i < count; i++) {
                Batch batch = LogFixtures.randomBatch(random, runLog.endOffset(), 1 + i / 6, 1 + random.nextInt(3), 50);
                runLog.append(batch);
                batches.add(batch);
                if (random.nextInt(4) == 0) {
                    flushedEnd = runLog.flush();
                    flushedSizes.clear();
                    for (Path segment : runLog.segmentFiles()) {
                        flushedSizes.put(segment, Files.size(segment));
                    }
                }
            }
        }
        powerCut(random, runDir, flushedSizes);

        try (FileRaftLog reopened = FileRaftLog.open(runDir, options)) {
            List<Batch> survived = reopened.read(0, Long.MAX_VALUE, Integer.MAX_VALUE);
            assertTrue(reopened.endOffset() >= flushedEnd, context + ": flushed up to " + flushedEnd + ", reopened " + reopened);
            assertSameBatches(batches.subList(0, survived.size()), survived);
            assertTrue(reopened.recoveryPoint() >= flushedEnd, context);
            return reopened.truncatedTailOnOpen();
        }
    }

    private static void powerCut(Random random, Path runDir, Map<Path, Long> flushedSizes) throws IOException {
        try (var files = Files.list(runDir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
                long flushed = flushedSizes.getOrDefault(file, 0L);
                long size = Files.size(file);
                int action = random.nextInt(5);
                if (action == 0 || size == flushed) {
                    continue;
                }
                if (action == 1 && !flushedSizes.containsKey(file)) {
                    Files.delete(file);
                    continue;
                }
                cut(file, flushed + (long) (random.nextDouble() * (size - flushed)));
                if (action == 2) {
                    byte[] junk = new byte[1 + random.nextInt(60)];
                    if (random.nextBoolean()) {
                        random.nextBytes(junk);
                    }
                    Files.write(file, junk, StandardOpenOption.APPEND);
                }
            }
        }
    }
}
