package io.kraftlet.replication.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.raft.Batch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link PartitionLog} contract, run against every implementation so the simulation's
 * {@link MemoryPartitionLog} and the broker's {@link FilePartitionLog} answer alike.
 */
abstract class PartitionLogContractTest {
    private final List<PartitionLog> opened = new ArrayList<>();
    private PartitionLog log;

    /** A new, empty log; each call returns an independent one. */
    abstract PartitionLog newLog();

    @BeforeEach
    void createLog() {
        log = open();
    }

    @AfterEach
    void closeLogs() {
        opened.forEach(PartitionLog::close);
    }

    private PartitionLog open() {
        PartitionLog created = newLog();
        opened.add(created);
        return created;
    }

    static List<byte[]> records(String... values) {
        List<byte[]> records = new ArrayList<>();
        for (String value : values) {
            records.add(value.getBytes(StandardCharsets.UTF_8));
        }
        return records;
    }

    static List<String> values(List<Batch> batches) {
        List<String> values = new ArrayList<>();
        for (Batch batch : batches) {
            for (byte[] record : batch.records()) {
                values.add(new String(record, StandardCharsets.UTF_8));
            }
        }
        return values;
    }

    /** Epoch 1 at [0, 3), epoch 3 at [3, 5), epoch 4 at [5, 6), in four batches. */
    private static void appendThreeEpochs(PartitionLog log) {
        log.appendAsLeader(1, records("a", "b"), 10);
        log.appendAsLeader(1, records("c"), 11);
        log.appendAsLeader(3, records("d", "e"), 12);
        log.appendAsLeader(4, records("f"), 13);
    }

    @Test
    void emptyLogStartsAtZero() {
        assertEquals(0, log.startOffset());
        assertEquals(0, log.endOffset());
        assertEquals(0, log.latestEpoch());
        assertEquals(List.of(), log.read(0, 1000));
        assertEquals(new EpochEndOffset(0, 0), log.endOffsetForEpoch(7));
        assertEquals(0, log.flush());
    }

    @Test
    void leaderAppendsGetConsecutiveOffsets() {
        assertEquals(new LogAppendInfo(0, 1), log.appendAsLeader(2, records("a", "b"), 100));
        assertEquals(new LogAppendInfo(2, 2), log.appendAsLeader(2, records("c"), 101));
        assertEquals(3, log.endOffset());
        assertEquals(2, log.latestEpoch());
        List<Batch> read = log.read(0, Integer.MAX_VALUE);
        assertEquals(List.of("a", "b", "c"), values(read));
        assertEquals(new Batch(2, 2, 101, false, records("c")).toString(), read.get(1).toString());
        assertEquals(101, read.get(1).appendTimeMs());
    }

    @Test
    void followerAppendKeepsTheLeadersOffsetsAndEpochs() {
        log.appendAsFollower(new Batch(0, 5, 7, false, records("x", "y")));
        log.appendAsFollower(new Batch(2, 6, 8, false, records("z")));
        assertEquals(3, log.endOffset());
        assertEquals(6, log.latestEpoch());
        assertThrows(IllegalArgumentException.class, () -> log.appendAsFollower(new Batch(4, 6, 9, false, records("gap"))));
        assertThrows(IllegalArgumentException.class, () -> log.appendAsFollower(new Batch(2, 6, 9, false, records("overlap"))));
        assertEquals(3, log.endOffset());
    }

    @Test
    void anOlderEpochIsRefused() {
        log.appendAsLeader(3, records("a"), 0);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> log.appendAsLeader(2, records("b"), 0));
        assertTrue(refused.getMessage().contains("older than the log's latest epoch 3"), refused.getMessage());
        assertThrows(IllegalArgumentException.class, () -> log.appendAsLeader(3, List.of(), 0));
        assertEquals(1, log.endOffset());
    }

    @Test
    void readIsBoundedByBytesButReturnsAtLeastOneBatch() {
        log.appendAsLeader(1, records("0123456789"), 0);
        log.appendAsLeader(1, records("a"), 0);
        log.appendAsLeader(1, records("b"), 0);
        int firstSize = log.read(0, 0).get(0).sizeInBytes();
        assertEquals(List.of("0123456789"), values(log.read(0, 1)));
        assertEquals(List.of("0123456789"), values(log.read(0, firstSize)));
        int twoSmall = 2 * log.read(1, 0).get(0).sizeInBytes();
        assertEquals(List.of("a", "b"), values(log.read(1, twoSmall)));
        assertEquals(List.of("a"), values(log.read(1, twoSmall - 1)));
        assertEquals(List.of(), log.read(3, 1000));
    }

    @Test
    void readStopsBeforeMaxOffset() {
        appendThreeEpochs(log);
        assertEquals(List.of("a", "b", "c"), values(log.read(0, 3, Integer.MAX_VALUE)));
        assertEquals(List.of(), log.read(3, 4, Integer.MAX_VALUE), "a batch reaching past maxOffset is not returned");
    }

    @Test
    void readOutsideTheLogIsOutOfRangeAndInsideABatchIsMisuse() {
        appendThreeEpochs(log);
        OffsetOutOfRangeException beyond = assertThrows(OffsetOutOfRangeException.class, () -> log.read(7, 100));
        assertEquals(7, beyond.offset());
        assertEquals(6, beyond.endOffset());
        assertThrows(OffsetOutOfRangeException.class, () -> log.read(-1, 100));
        assertThrows(IllegalArgumentException.class, () -> log.read(1, 100));
        assertThrows(IllegalArgumentException.class, () -> log.read(0, -1));
    }

    @Test
    void endOffsetForEpochAnswersTheLargestEpochAtOrBelow() {
        appendThreeEpochs(log);
        assertEquals(new EpochEndOffset(1, 3), log.endOffsetForEpoch(1));
        assertEquals(new EpochEndOffset(1, 3), log.endOffsetForEpoch(2));
        assertEquals(new EpochEndOffset(3, 5), log.endOffsetForEpoch(3));
        assertEquals(new EpochEndOffset(4, 6), log.endOffsetForEpoch(4));
        assertEquals(new EpochEndOffset(4, 6), log.endOffsetForEpoch(9));
        assertEquals(4, log.latestEpoch());
    }

    @Test
    void truncationRemovesBatchesAndTheEpochsStartingThere() {
        appendThreeEpochs(log);
        log.truncateTo(3);
        assertEquals(3, log.endOffset());
        assertEquals(1, log.latestEpoch());
        assertEquals(new EpochEndOffset(1, 3), log.endOffsetForEpoch(4));
        assertEquals(List.of("a", "b", "c"), values(log.read(0, Integer.MAX_VALUE)));
        log.appendAsLeader(5, records("g"), 0);
        assertEquals(new EpochEndOffset(1, 3), log.endOffsetForEpoch(4));
        assertEquals(new EpochEndOffset(5, 4), log.endOffsetForEpoch(5));
        assertEquals(List.of("a", "b", "c", "g"), values(log.read(0, Integer.MAX_VALUE)));
    }

    @Test
    void truncationAtOrPastTheEndDoesNothingAndBadOffsetsAreRefused() {
        appendThreeEpochs(log);
        log.truncateTo(6);
        assertEquals(6, log.endOffset());
        assertThrows(OffsetOutOfRangeException.class, () -> log.truncateTo(7));
        assertThrows(IllegalArgumentException.class, () -> log.truncateTo(4));
        assertEquals(6, log.endOffset());
        log.truncateTo(0);
        assertEquals(0, log.endOffset());
        assertEquals(0, log.latestEpoch());
    }

    @Test
    void followerTruncatesToTheLeadersDivergingEpochAnswer() {
        // Both logs share epoch 1; the follower then took epoch 2 from a leader that lost its
        // writes, while the new leader of epoch 3 went on from offset 3.
        PartitionLog leader = open();
        PartitionLog follower = log;
        for (PartitionLog replica : List.of(leader, follower)) {
            replica.appendAsLeader(1, records("a", "b", "c"), 0);
        }
        follower.appendAsLeader(2, records("lost-1", "lost-2"), 0);
        leader.appendAsLeader(3, records("d"), 0);

        EpochEndOffset answer = leader.endOffsetForEpoch(follower.latestEpoch());
        assertEquals(new EpochEndOffset(1, 3), answer);
        follower.truncateTo(Math.min(answer.endOffset(), follower.endOffset()));
        for (Batch batch : leader.read(follower.endOffset(), Integer.MAX_VALUE)) {
            follower.appendAsFollower(batch);
        }
        assertEquals(values(leader.read(0, Integer.MAX_VALUE)), values(follower.read(0, Integer.MAX_VALUE)));
        assertEquals(leader.endOffsetForEpoch(3), follower.endOffsetForEpoch(3));
    }

    @Test
    void startOffsetMovesUpAndTrimsTheEpochCache() {
        appendThreeEpochs(log);
        assertTrue(log.maybeIncrementLogStartOffset(2));
        assertEquals(2, log.startOffset());
        assertEquals(List.of("c", "d", "e", "f"), values(log.read(2, Integer.MAX_VALUE)));
        assertThrows(OffsetOutOfRangeException.class, () -> log.read(0, 100));
        // Epoch 1 still has batch [2, 3) above the start, so it still answers.
        assertEquals(new EpochEndOffset(1, 3), log.endOffsetForEpoch(1));
        assertEquals(new EpochEndOffset(EpochEndOffset.UNDEFINED_EPOCH, 2), log.endOffsetForEpoch(0));

        assertTrue(log.maybeIncrementLogStartOffset(5));
        assertEquals(new EpochEndOffset(EpochEndOffset.UNDEFINED_EPOCH, 5), log.endOffsetForEpoch(1));
        assertEquals(new EpochEndOffset(3, 5), log.endOffsetForEpoch(3));
        assertEquals(new EpochEndOffset(4, 6), log.endOffsetForEpoch(4));
        assertFalse(log.maybeIncrementLogStartOffset(4));
        assertEquals(5, log.startOffset());
        assertThrows(OffsetOutOfRangeException.class, () -> log.truncateTo(4));
    }

    @Test
    void startOffsetMayReachTheEndButNotPassItNorSplitABatch() {
        appendThreeEpochs(log);
        assertThrows(OffsetOutOfRangeException.class, () -> log.maybeIncrementLogStartOffset(7));
        assertThrows(IllegalArgumentException.class, () -> log.maybeIncrementLogStartOffset(1));
        assertEquals(0, log.startOffset());
        assertTrue(log.maybeIncrementLogStartOffset(6));
        assertEquals(6, log.startOffset());
        assertEquals(6, log.endOffset());
        assertEquals(4, log.latestEpoch());
        assertEquals(List.of(), log.read(6, 100));
        log.appendAsLeader(4, records("g"), 0);
        assertEquals(new EpochEndOffset(4, 7), log.endOffsetForEpoch(4));
    }

    @Test
    void recordsComeBackByteForByte() {
        byte[] binary = {0, -1, 127, -128, 10, 13};
        log.appendAsLeader(1, List.of(binary, new byte[0]), 0);
        List<Batch> read = log.read(0, Integer.MAX_VALUE);
        assertArrayEquals(binary, read.get(0).records().get(0));
        assertEquals(0, read.get(0).records().get(1).length);
    }

    @Test
    void flushReturnsTheEndOffset() {
        appendThreeEpochs(log);
        assertEquals(6, log.flush());
        log.truncateTo(3);
        assertEquals(3, log.flush());
    }
}
