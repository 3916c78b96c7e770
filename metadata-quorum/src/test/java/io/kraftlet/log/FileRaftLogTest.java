package io.kraftlet.log;

import static io.kraftlet.log.LogFixtures.assertSameBatches;
import static io.kraftlet.log.LogFixtures.batch;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.raft.Batch;
import io.kraftlet.raft.OffsetAndEpoch;
import io.kraftlet.raft.SnapshotId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@link RaftLog} contract on real files, segment rolls, reopening and index rebuilds. */
class FileRaftLogTest {
    @TempDir
    Path dir;

    private FileRaftLog log;

    @AfterEach
    void closeLog() {
        if (log != null) {
            log.close();
        }
    }

    private FileRaftLog open() {
        return open(FileRaftLog.builder());
    }

    private FileRaftLog open(FileRaftLog.Builder options) {
        log = FileRaftLog.open(dir, options);
        return log;
    }

    private FileRaftLog reopen(FileRaftLog.Builder options) {
        log.close();
        return open(options);
    }

    /** Appends [0..1], [2], [3..5] in epochs 1, 1, 3. */
    private List<Batch> appendThree() {
        List<Batch> batches = List.of(batch(0, 1, "a", "b"), batch(2, 1, "c"), batch(3, 3, "d", "e", "f"));
        batches.forEach(log::append);
        return batches;
    }

    @Test
    void emptyLogStartsAtZeroInEpochZero() {
        open();
        assertEquals(0, log.startOffset());
        assertEquals(0, log.startEpoch());
        assertEquals(0, log.endOffset());
        assertEquals(0, log.lastEpoch());
        assertEquals(List.of(), log.read(0, Long.MAX_VALUE, Integer.MAX_VALUE));
        assertEquals(new OffsetAndEpoch(0, 0), log.endOffsetForEpoch(5));
    }

    @Test
    void appendedBatchesReadBackWholeWithEveryField() {
        open();
        List<Batch> batches = new ArrayList<>(appendThree());
        Batch control = new Batch(6, 3, 42, true, List.of(new byte[0], new byte[] {1, 2, 3}));
        log.append(control);
        batches.add(control);

        assertEquals(8, log.endOffset());
        assertEquals(3, log.lastEpoch());
        assertSameBatches(batches, log.read(0, Long.MAX_VALUE, Integer.MAX_VALUE));
        assertSameBatches(batches.subList(1, 4), log.read(2, Long.MAX_VALUE, Integer.MAX_VALUE));
    }

    @Test
    void appendRefusesAGapAnOverlapAndAnOlderEpoch() {
        open();
        appendThree();
        assertThrows(IllegalArgumentException.class, () -> log.append(batch(7, 3, "x")));
        assertThrows(IllegalArgumentException.class, () -> log.append(batch(5, 3, "x")));
        assertThrows(IllegalArgumentException.class, () -> log.append(batch(6, 2, "x")));
        assertEquals(6, log.endOffset());
        assertEquals(3, log.read(0, Long.MAX_VALUE, Integer.MAX_VALUE).size());
    }

    @Test
    void readStopsBeforeMaxOffsetAndAtMaxBytesButReturnsAtLeastOneBatch() {
        open();
        List<Batch> batches = appendThree();
        assertSameBatches(batches.subList(0, 2), log.read(0, 3, Integer.MAX_VALUE));
        assertSameBatches(batches.subList(0, 1), log.read(0, 2, Integer.MAX_VALUE));
        assertEquals(List.of(), log.read(0, 1, Integer.MAX_VALUE), "the first batch ends after maxOffset");
        assertSameBatches(batches.subList(0, 1), log.read(0, Long.MAX_VALUE, 1));
        int firstTwo = batches.get(0).sizeInBytes() + batches.get(1).sizeInBytes();
        assertSameBatches(batches.subList(0, 2), log.read(0, Long.MAX_VALUE, firstTwo));
        assertSameBatches(batches.subList(0, 1), log.read(0, Long.MAX_VALUE, firstTwo - 1));
        assertEquals(List.of(), log.read(6, Long.MAX_VALUE, Integer.MAX_VALUE), "reading at the end");
    }

    @Test
    void readRefusesOffsetsOffBatchBoundariesOrOutsideTheLog() {
        open();
        appendThree();
        assertThrows(IllegalArgumentException.class, () -> log.read(1, 10, 100));
        assertThrows(IllegalArgumentException.class, () -> log.read(4, 10, 100));
        assertThrows(IllegalArgumentException.class, () -> log.read(7, 10, 100));
    }

    @Test
    void epochOfAndEndOffsetForEpochFollowTheBatches() {
        open();
        appendThree();
        assertEquals(1, log.epochOf(0));
        assertEquals(1, log.epochOf(1));
        assertEquals(1, log.epochOf(2));
        assertEquals(3, log.epochOf(5));
        assertThrows(IllegalArgumentException.class, () -> log.epochOf(6));
        assertEquals(new OffsetAndEpoch(0, 0), log.endOffsetForEpoch(0));
        assertEquals(new OffsetAndEpoch(3, 1), log.endOffsetForEpoch(1));
        assertEquals(new OffsetAndEpoch(3, 1), log.endOffsetForEpoch(2));
        assertEquals(new OffsetAndEpoch(6, 3), log.endOffsetForEpoch(3));
        assertEquals(new OffsetAndEpoch(6, 3), log.endOffsetForEpoch(9));
    }

    @Test
    void truncateToRemovesTheTailAndItsEpochs() {
        open();
        List<Batch> batches = appendThree();
        log.flush();
        log.truncateTo(3);
        assertEquals(3, log.endOffset());
        assertEquals(1, log.lastEpoch());
        assertEquals(3, log.recoveryPoint(), "truncation lowers the recovery point");
        assertEquals(new OffsetAndEpoch(3, 1), log.endOffsetForEpoch(3));
        assertSameBatches(batches.subList(0, 2), log.read(0, Long.MAX_VALUE, Integer.MAX_VALUE));
        log.append(batch(3, 4, "g"));
        assertEquals(4, log.lastEpoch());
    }

    @Test
    void truncateToIgnoresOffsetsAtOrAfterTheEndAndRefusesOthersOffBoundaries() {
        open();
        appendThree();
        log.truncateTo(6);
        log.truncateTo(60);
        assertEquals(6, log.endOffset());
        assertThrows(IllegalArgumentException.class, () -> log.truncateTo(4));
        log.truncateTo(0);
        assertEquals(0, log.endOffset());
        assertEquals(0, log.lastEpoch());
    }

    @Test
    void deletePrefixToMovesTheStartAndAnswersOlderEpochsFromTheSnapshot() {
        open();
        List<Batch> batches = appendThree();
        log.deletePrefixTo(new SnapshotId(3, 1));
        assertEquals(3, log.startOffset());
        assertEquals(1, log.startEpoch());
        assertEquals(new OffsetAndEpoch(3, -1), log.endOffsetForEpoch(0));
        assertEquals(new OffsetAndEpoch(3, 1), log.endOffsetForEpoch(1));
        assertEquals(new OffsetAndEpoch(6, 3), log.endOffsetForEpoch(3));
        assertThrows(IllegalArgumentException.class, () -> log.read(0, 10, 100));
        assertThrows(IllegalArgumentException.class, () -> log.epochOf(2));
        assertSameBatches(batches.subList(2, 3), log.read(3, Long.MAX_VALUE, Integer.MAX_VALUE));
        log.deletePrefixTo(new SnapshotId(2, 1));
        assertEquals(3, log.startOffset(), "an older snapshot changes nothing");
    }

    @Test
    void deletePrefixToRefusesPositionsPastTheEndOrInsideABatch() {
        open();
        appendThree();
        assertThrows(IllegalArgumentException.class, () -> log.deletePrefixTo(new SnapshotId(7, 3)));
        assertThrows(IllegalArgumentException.class, () -> log.deletePrefixTo(new SnapshotId(4, 3)));
        assertEquals(0, log.startOffset());
    }

    @Test
    void deletePrefixToTheEndEmptiesTheLogAndAppendsContinue() {
        open();
        appendThree();
        log.deletePrefixTo(new SnapshotId(6, 3));
        assertEquals(6, log.startOffset());
        assertEquals(6, log.endOffset());
        assertEquals(3, log.lastEpoch());
        log.append(batch(6, 3, "g"));
        reopen(FileRaftLog.builder());
        assertEquals(6, log.startOffset());
        assertEquals(3, log.startEpoch());
        assertSameBatches(List.of(batch(6, 3, "g")), log.read(6, Long.MAX_VALUE, Integer.MAX_VALUE));
    }

    @Test
    void resetToDropsTheLogAndStartsAtTheSnapshotDurably() {
        open(FileRaftLog.builder().segmentBytes(100));
        appendThree();
        log.flush();
        log.resetTo(new SnapshotId(50, 7));
        assertEquals(50, log.startOffset());
        assertEquals(50, log.endOffset());
        assertEquals(7, log.lastEpoch());
        assertEquals(new OffsetAndEpoch(50, -1), log.endOffsetForEpoch(6));
        log.append(batch(50, 8, "z"));
        reopen(FileRaftLog.builder().segmentBytes(100));
        assertEquals(50, log.startOffset());
        assertEquals(7, log.startEpoch());
        assertEquals(8, log.lastEpoch());
        assertEquals(1, log.segmentFiles().size());
        log.resetTo(new SnapshotId(10, 2));
        assertEquals(10, log.endOffset(), "a reset may move the start backwards");
        reopen(FileRaftLog.builder().segmentBytes(100));
        assertEquals(10, log.startOffset());
    }

    @Test
    void flushReturnsTheEndOffsetAndMovesTheRecoveryPoint() {
        open();
        appendThree();
        assertEquals(0, log.recoveryPoint());
        assertEquals(6, log.flush());
        assertEquals(6, log.recoveryPoint());
        assertEquals(6, log.flush(), "a flush with nothing new is harmless");
        reopen(FileRaftLog.builder());
        assertEquals(6, log.recoveryPoint());
    }

    @Test
    void segmentsRollBySizeAndReadsTruncationsAndPrefixDeletesCrossThem() {
        FileRaftLog.Builder options = FileRaftLog.builder().segmentBytes(120);
        open(options);
        List<Batch> batches = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Batch batch = batch(i * 2L, 1 + i / 5, "record-" + i, "x");
            log.append(batch);
            batches.add(batch);
        }
        assertTrue(log.segmentFiles().size() >= 5, "segments: " + log.segmentFiles());
        assertEquals("00000000000000000000.log", log.segmentFiles().get(0).getFileName().toString());
        assertSameBatches(batches, log.read(0, Long.MAX_VALUE, Integer.MAX_VALUE));
        assertSameBatches(batches.subList(7, 20), log.read(14, Long.MAX_VALUE, Integer.MAX_VALUE));

        int segmentsBefore = log.segmentFiles().size();
        log.truncateTo(20);
        assertTrue(log.segmentFiles().size() < segmentsBefore);
        log.segmentFiles().forEach(file -> assertTrue(Files.exists(file)));
        log.deletePrefixTo(new SnapshotId(12, 2));
        assertTrue(Files.notExists(dir.resolve("00000000000000000000.log")), "a whole segment below the start goes");
        assertSameBatches(batches.subList(6, 10), log.read(12, Long.MAX_VALUE, Integer.MAX_VALUE));
        reopen(options);
        assertSameBatches(batches.subList(6, 10), log.read(12, Long.MAX_VALUE, Integer.MAX_VALUE));
        assertEquals(2, log.startEpoch());
    }

    @Test
    void aBatchLargerThanASegmentGetsASegmentOfItsOwn() {
        open(FileRaftLog.builder().segmentBytes(64));
        Batch big = batch(1, 1, "x".repeat(500));
        log.append(batch(0, 1, "a"));
        log.append(big);
        log.append(batch(2, 1, "b"));
        assertEquals(3, log.segmentFiles().size());
        assertSameBatches(List.of(big), log.read(1, 2, 10));
    }

    @Test
    void reopeningGivesTheSameContentEpochsAndStart() {
        FileRaftLog.Builder options = FileRaftLog.builder().segmentBytes(200).indexIntervalBytes(50);
        open(options);
        Random random = new Random(7);
        List<Batch> batches = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            Batch batch = LogFixtures.randomBatch(random, log.endOffset(), 2 + i / 10, 1 + random.nextInt(3), 40);
            log.append(batch);
            batches.add(batch);
        }
        log.deletePrefixTo(new SnapshotId(batches.get(5).baseOffset(), batches.get(4).epoch()));
        log.flush();
        long end = log.endOffset();
        List<OffsetAndEpoch> epochEnds = epochEnds(log);
        reopen(options);
        assertEquals(batches.get(5).baseOffset(), log.startOffset());
        assertEquals(2, log.startEpoch());
        assertEquals(end, log.endOffset());
        assertEquals(epochEnds, epochEnds(log));
        assertSameBatches(batches.subList(5, 40), log.read(log.startOffset(), Long.MAX_VALUE, Integer.MAX_VALUE));
        assertTrue(log.truncatedTailOnOpen().isEmpty());
    }

    private static List<OffsetAndEpoch> epochEnds(RaftLog log) {
        List<OffsetAndEpoch> ends = new ArrayList<>();
        for (int epoch = 0; epoch <= log.lastEpoch() + 1; epoch++) {
            ends.add(log.endOffsetForEpoch(epoch));
        }
        return ends;
    }

    @Test
    void aDeletedIndexIsRebuiltIdenticallyOnOpen() throws IOException {
        FileRaftLog.Builder options = FileRaftLog.builder().segmentBytes(4096).indexIntervalBytes(64);
        open(options);
        List<Batch> batches = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            Batch batch = batch(i, 1, "value-" + i);
            log.append(batch);
            batches.add(batch);
        }
        log.flush();
        Path index = dir.resolve("00000000000000000000.index");
        byte[] written = Files.readAllBytes(index);
        assertTrue(written.length >= 5 * OffsetIndex.ENTRY_BYTES, "sparse entries: " + written.length);
        log.close();
        Files.delete(index);
        open(options);
        assertArrayEquals(written, Files.readAllBytes(index));
        for (int i = 0; i < 60; i += 7) {
            assertSameBatches(batches.subList(i, i + 1), log.read(i, i + 1, 1));
            assertEquals(1, log.epochOf(i));
        }
    }

    @Test
    void aGarbledIndexIsRewrittenOnOpen() throws IOException {
        FileRaftLog.Builder options = FileRaftLog.builder().indexIntervalBytes(32);
        open(options);
        for (int i = 0; i < 20; i++) {
            log.append(batch(i, 1, "value-" + i));
        }
        Path index = dir.resolve("00000000000000000000.index");
        byte[] written = Files.readAllBytes(index);
        log.close();
        Files.write(index, new byte[] {9, 9, 9});
        open(options);
        assertArrayEquals(written, Files.readAllBytes(index));
        assertEquals(List.of(batch(13, 1, "value-13")).toString(), log.read(13, 14, 1).toString());
    }

    @Test
    void aSecondInstanceCannotOpenTheSameDirectory() {
        open();
        IllegalStateException error = assertThrows(IllegalStateException.class, () -> FileRaftLog.open(dir));
        assertTrue(error.getMessage().contains(dir.toString()), error.getMessage());
    }

    @Test
    void builderRefusesImpossibleSizes() {
        assertThrows(IllegalArgumentException.class, () -> FileRaftLog.builder().segmentBytes(0));
        assertThrows(IllegalArgumentException.class, () -> FileRaftLog.builder().segmentBytes(FileRaftLog.MAX_SEGMENT_BYTES + 1));
        assertThrows(IllegalArgumentException.class, () -> FileRaftLog.builder().indexIntervalBytes(0));
        assertFalse(dir.resolve(".lock").toFile().exists());
    }
}
