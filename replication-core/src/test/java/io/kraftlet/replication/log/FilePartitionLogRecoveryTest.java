package io.kraftlet.replication.log;

import static io.kraftlet.replication.log.PartitionLogContractTest.records;
import static io.kraftlet.replication.log.PartitionLogContractTest.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.log.CorruptStorageException;
import io.kraftlet.log.FileRaftLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unclean stops on real files: a torn tail after the last flush is cut on open, damage below
 * the recovery point refuses to open with the file and offset named, and a clean reopen keeps
 * the epoch cache, the start offset and every flushed batch.
 */
class FilePartitionLogRecoveryTest {
    /** Frame header bytes plus a 4-byte length per record (BatchFrame's layout). */
    private static final int FRAME_HEADER_BYTES = 34;

    @TempDir
    Path dir;

    private FilePartitionLog log;

    @AfterEach
    void closeLog() {
        if (log != null) {
            log.close();
        }
    }

    private FilePartitionLog reopen() {
        if (log != null) {
            log.close();
        }
        log = null;
        log = FilePartitionLog.open(dir.resolve("orders-0"));
        return log;
    }

    private static long frameBytes(String... values) {
        long bytes = FRAME_HEADER_BYTES;
        for (String value : values) {
            bytes += 4 + value.length();
        }
        return bytes;
    }

    private Path onlySegment() {
        List<Path> segments = log.segmentFiles();
        assertEquals(1, segments.size(), "expected one segment: " + segments);
        return segments.get(0);
    }

    private static void writeAt(Path file, long position, byte[] bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(bytes), position);
        }
    }

    private static void cut(Path file, long size) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size);
        }
    }

    @Test
    void reopenKeepsEpochsStartOffsetAndBatches() {
        reopen();
        log.appendAsLeader(1, records("a", "b"), 1);
        log.appendAsLeader(1, records("c"), 2);
        log.appendAsLeader(3, records("d", "e"), 3);
        log.appendAsLeader(4, records("f"), 4);
        assertTrue(log.maybeIncrementLogStartOffset(2));
        assertEquals(6, log.flush());

        reopen();
        assertEquals(2, log.startOffset());
        assertEquals(6, log.endOffset());
        assertEquals(4, log.latestEpoch());
        assertEquals(6, log.recoveryPoint());
        assertEquals(new EpochEndOffset(EpochEndOffset.UNDEFINED_EPOCH, 2), log.endOffsetForEpoch(0));
        assertEquals(new EpochEndOffset(1, 3), log.endOffsetForEpoch(2));
        assertEquals(new EpochEndOffset(3, 5), log.endOffsetForEpoch(3));
        assertEquals(new EpochEndOffset(4, 6), log.endOffsetForEpoch(4));
        assertEquals(List.of("c", "d", "e", "f"), values(log.read(2, Integer.MAX_VALUE)));
        assertTrue(log.truncatedTailOnOpen().isEmpty());
    }

    @Test
    void truncationIsDurableAcrossReopen() {
        reopen();
        log.appendAsLeader(1, records("a"), 0);
        log.appendAsLeader(2, records("b"), 0);
        log.flush();
        log.truncateTo(1);

        reopen();
        assertEquals(1, log.endOffset());
        assertEquals(1, log.latestEpoch());
        assertEquals(new EpochEndOffset(1, 1), log.endOffsetForEpoch(2));
    }

    @Test
    void aTornTailAfterTheRecoveryPointIsCutOnOpen() throws IOException {
        reopen();
        log.appendAsLeader(1, records("flushed-1"), 0);
        log.appendAsLeader(2, records("flushed-2"), 0);
        assertEquals(2, log.flush());
        log.appendAsLeader(2, records("unflushed-whole"), 0);
        log.appendAsLeader(3, records("unflushed-torn"), 0);
        long tornAt = frameBytes("flushed-1") + frameBytes("flushed-2") + frameBytes("unflushed-whole");
        Path segment = onlySegment();
        log.close();
        log = null;
        // The power cut kept only part of the last batch.
        cut(segment, tornAt + frameBytes("unflushed-torn") - 3);

        reopen();
        assertEquals(3, log.endOffset());
        assertEquals(2, log.latestEpoch(), "epoch 3 started in the torn batch and is gone with it");
        assertEquals(new EpochEndOffset(2, 3), log.endOffsetForEpoch(3));
        FileRaftLog.TruncatedTail tail = log.truncatedTailOnOpen().orElseThrow();
        assertEquals(segment, tail.file());
        assertEquals(tornAt, tail.position());
        assertEquals(3, tail.offset());
        assertEquals(List.of("flushed-1", "flushed-2", "unflushed-whole"), values(log.read(0, Integer.MAX_VALUE)));

        log.appendAsLeader(3, records("after"), 0);
        log.flush();
        reopen();
        assertEquals(List.of("flushed-1", "flushed-2", "unflushed-whole", "after"), values(log.read(0, Integer.MAX_VALUE)));
        assertTrue(log.truncatedTailOnOpen().isEmpty());
    }

    @Test
    void garbageAfterTheRecoveryPointIsATornTail() throws IOException {
        reopen();
        log.appendAsLeader(1, records("kept"), 0);
        log.flush();
        log.appendAsLeader(1, records("scribbled"), 0);
        Path segment = onlySegment();
        log.close();
        log = null;
        // A half-written page: the unflushed batch's bytes are zeroes after the crash.
        writeAt(segment, frameBytes("kept"), new byte[(int) frameBytes("scribbled")]);

        reopen();
        assertEquals(1, log.endOffset());
        assertEquals(List.of("kept"), values(log.read(0, Integer.MAX_VALUE)));
        assertTrue(log.truncatedTailOnOpen().isPresent());
    }

    @Test
    void corruptionBelowTheRecoveryPointIsAHardErrorNamingFileAndOffset() throws IOException {
        reopen();
        log.appendAsLeader(1, records("first"), 0);
        log.appendAsLeader(1, records("second"), 0);
        log.appendAsLeader(2, records("third"), 0);
        log.flush();
        Path segment = onlySegment();
        log.close();
        log = null;
        // Flip a byte inside the record of the flushed batch at offset 1.
        long secondRecordByte = frameBytes("first") + FRAME_HEADER_BYTES + 4;
        writeAt(segment, secondRecordByte, new byte[] {'X'});

        CorruptStorageException refused = assertThrows(CorruptStorageException.class, this::reopen);
        assertEquals(segment, refused.file());
        assertTrue(refused.getMessage().contains(segment.toString()), refused.getMessage());
        assertTrue(refused.getMessage().contains("offset 1"), refused.getMessage());
        assertTrue(refused.getMessage().contains("recovery point 3"), refused.getMessage());
    }

    @Test
    void segmentsRollAndWholeSegmentsGoWithTheStartOffset() {
        log = FilePartitionLog.open(dir.resolve("orders-0"), FilePartitionLog.defaultOptions().segmentBytes(100));
        for (int i = 0; i < 10; i++) {
            log.appendAsLeader(1 + i / 4, records("record-" + i), i);
        }
        log.flush();
        int segmentsBefore = log.segmentFiles().size();
        assertTrue(segmentsBefore >= 5, "expected rolls: " + log.segmentFiles());
        assertTrue(log.maybeIncrementLogStartOffset(8));
        assertTrue(log.segmentFiles().size() < segmentsBefore, "segments below the start remain: " + log.segmentFiles());
        log.close();

        log = FilePartitionLog.open(dir.resolve("orders-0"), FilePartitionLog.defaultOptions().segmentBytes(100));
        assertEquals(8, log.startOffset());
        assertEquals(10, log.endOffset());
        assertEquals(List.of("record-8", "record-9"), values(log.read(8, Integer.MAX_VALUE)));
        assertEquals(new EpochEndOffset(EpochEndOffset.UNDEFINED_EPOCH, 8), log.endOffsetForEpoch(1));
        // Epoch 2 wrote the batch just below the start, so it is known to end exactly there.
        assertEquals(new EpochEndOffset(2, 8), log.endOffsetForEpoch(2));
        assertEquals(new EpochEndOffset(3, 10), log.endOffsetForEpoch(3));
    }

    @Test
    void aSecondInstanceOnTheSameDirectoryIsRefused() {
        reopen();
        assertThrows(IllegalStateException.class, () -> FilePartitionLog.open(dir.resolve("orders-0")));
    }
}
