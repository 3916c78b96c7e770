package io.kraftlet.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.raft.Batch;
import io.kraftlet.raft.OffsetAndEpoch;
import io.kraftlet.raft.SnapshotId;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The in-memory RaftLog: batch-boundary rules, epoch lookups, prefix deletion and reset, and
 * the durability model the simulation relies on (only flushed data survives a crash).
 */
class MemoryRaftLogTest {
    /** A batch of {@code count} one-byte records at {@code baseOffset} in {@code epoch}. */
    private static Batch batch(long baseOffset, int epoch, int count) {
        List<byte[]> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(new byte[] {(byte) (baseOffset + i)});
        }
        return new Batch(baseOffset, epoch, 0, false, records);
    }

    /** Batches [0, 3) and [3, 5) in epoch 1, then [5, 9) in epoch 2. */
    private static MemoryRaftLog threeBatches(MemoryRaftLog log) {
        log.append(batch(0, 1, 3));
        log.append(batch(3, 1, 2));
        log.append(batch(5, 2, 4));
        return log;
    }

    private static MemoryRaftLog threeBatches() {
        return threeBatches(new MemoryRaftLog());
    }

    /** Remembers every truncation it is told about. */
    private static final class RecordingObserver implements MemoryRaftLog.TruncationObserver {
        final List<Long> offsets = new ArrayList<>();
        final List<List<Batch>> removed = new ArrayList<>();

        @Override
        public void beforeTruncate(long offset, List<Batch> batches) {
            offsets.add(offset);
            removed.add(batches);
        }
    }

    @Nested
    class AppendAndRead {
        @Test
        void emptyLogStartsAtZeroInEpochZero() {
            MemoryRaftLog log = new MemoryRaftLog();
            assertEquals(0, log.startOffset());
            assertEquals(0, log.startEpoch());
            assertEquals(0, log.endOffset());
            assertEquals(0, log.lastEpoch());
            assertEquals(new OffsetAndEpoch(0, 0), log.endOffsetAndEpoch());
            assertEquals(List.of(), log.read(0, Long.MAX_VALUE, Integer.MAX_VALUE));
        }

        @Test
        void appendMovesTheEndAndTheLastEpoch() {
            MemoryRaftLog log = threeBatches();
            assertEquals(9, log.endOffset());
            assertEquals(2, log.lastEpoch());
            assertEquals(new OffsetAndEpoch(9, 2), log.endOffsetAndEpoch());
            assertEquals(3, log.batches().size());
        }

        @Test
        void appendMustStartAtTheEnd() {
            MemoryRaftLog log = threeBatches();
            assertThrows(IllegalArgumentException.class, () -> log.append(batch(8, 2, 1)), "overlap");
            assertThrows(IllegalArgumentException.class, () -> log.append(batch(10, 2, 1)), "gap");
            assertEquals(9, log.endOffset());
        }

        @Test
        void appendOfAnOlderEpochIsRefusedAndLeavesTheLogAlone() {
            MemoryRaftLog log = threeBatches();
            assertThrows(IllegalArgumentException.class, () -> log.append(batch(9, 1, 1)));
            assertEquals(9, log.endOffset());
            assertEquals(3, log.batches().size());
        }

        @Test
        void readReturnsWholeBatchesFromABoundary() {
            MemoryRaftLog log = threeBatches();
            List<Batch> all = log.read(0, Long.MAX_VALUE, Integer.MAX_VALUE);
            assertEquals(List.of(0L, 3L, 5L), all.stream().map(Batch::baseOffset).toList());
            assertEquals(List.of(3L, 5L), log.read(3, Long.MAX_VALUE, Integer.MAX_VALUE).stream()
                    .map(Batch::baseOffset).toList());
            assertEquals(List.of(), log.read(9, Long.MAX_VALUE, Integer.MAX_VALUE), "nothing at the end");
        }

        @Test
        void readStopsBeforeABatchThatCrossesMaxOffset() {
            // A follower must not be handed data above the high watermark it may read to.
            MemoryRaftLog log = threeBatches();
            assertEquals(2, log.read(0, 5, Integer.MAX_VALUE).size());
            assertEquals(1, log.read(0, 4, Integer.MAX_VALUE).size());
            assertEquals(List.of(), log.read(0, 2, Integer.MAX_VALUE));
        }

        @Test
        void readStopsAtMaxBytesButReturnsAtLeastOneBatch() {
            MemoryRaftLog log = threeBatches();
            int first = log.batches().get(0).sizeInBytes();
            int second = log.batches().get(1).sizeInBytes();
            assertEquals(1, log.read(0, Long.MAX_VALUE, 1).size(), "a large batch cannot stall replication");
            assertEquals(1, log.read(0, Long.MAX_VALUE, first + second - 1).size());
            assertEquals(2, log.read(0, Long.MAX_VALUE, first + second).size());
        }

        @Test
        void readOffBoundaryOrOutsideTheLogIsRefused() {
            MemoryRaftLog log = threeBatches();
            assertThrows(IllegalArgumentException.class, () -> log.read(1, Long.MAX_VALUE, Integer.MAX_VALUE));
            assertThrows(IllegalArgumentException.class, () -> log.read(10, Long.MAX_VALUE, Integer.MAX_VALUE));
        }

        @Test
        void epochOfFindsTheBatchHoldingAnOffset() {
            MemoryRaftLog log = threeBatches();
            assertEquals(1, log.epochOf(0));
            assertEquals(1, log.epochOf(4));
            assertEquals(2, log.epochOf(5));
            assertEquals(2, log.epochOf(8));
            assertThrows(IllegalArgumentException.class, () -> log.epochOf(9));
            assertThrows(IllegalArgumentException.class, () -> log.epochOf(-1));
        }

        @Test
        void endOffsetForEpochFollowsTheRaftLogContract() {
            MemoryRaftLog log = threeBatches();
            log.append(batch(9, 4, 1));
            assertEquals(new OffsetAndEpoch(0, 0), log.endOffsetForEpoch(0));
            assertEquals(new OffsetAndEpoch(5, 1), log.endOffsetForEpoch(1));
            assertEquals(new OffsetAndEpoch(9, 2), log.endOffsetForEpoch(2));
            assertEquals(new OffsetAndEpoch(9, 2), log.endOffsetForEpoch(3), "largest epoch <= 3 is 2");
            assertEquals(new OffsetAndEpoch(10, 4), log.endOffsetForEpoch(4));
            assertEquals(new OffsetAndEpoch(10, 4), log.endOffsetForEpoch(9));
        }
    }

    @Nested
    class Truncation {
        @Test
        void truncateRemovesTheTailAndItsEpochs() {
            MemoryRaftLog log = threeBatches();
            log.truncateTo(5);
            assertEquals(5, log.endOffset());
            assertEquals(1, log.lastEpoch());
            assertEquals(new OffsetAndEpoch(5, 1), log.endOffsetForEpoch(2));
            assertThrows(IllegalArgumentException.class, () -> log.epochOf(5));
            log.append(batch(5, 3, 1));
            assertEquals(3, log.lastEpoch());
        }

        @Test
        void observerIsToldWhatIsRemoved() {
            RecordingObserver observer = new RecordingObserver();
            MemoryRaftLog log = threeBatches(new MemoryRaftLog(observer));
            log.truncateTo(3);
            assertEquals(List.of(3L), observer.offsets);
            assertEquals(List.of(3L, 5L), observer.removed.get(0).stream().map(Batch::baseOffset).toList());
        }

        @Test
        void truncatingAtOrPastTheEndDoesNothing() {
            RecordingObserver observer = new RecordingObserver();
            MemoryRaftLog log = threeBatches(new MemoryRaftLog(observer));
            log.truncateTo(9);
            log.truncateTo(20);
            assertEquals(9, log.endOffset());
            assertTrue(observer.offsets.isEmpty(), "nothing was removed, so nothing is reported");
        }

        @Test
        void truncationOffBoundaryIsRefused() {
            RecordingObserver observer = new RecordingObserver();
            MemoryRaftLog log = threeBatches(new MemoryRaftLog(observer));
            assertThrows(IllegalArgumentException.class, () -> log.truncateTo(4));
            assertEquals(9, log.endOffset());
            assertTrue(observer.offsets.isEmpty());
        }

        @Test
        void truncationBelowTheStartIsRefused() {
            MemoryRaftLog log = threeBatches();
            log.deletePrefixTo(new SnapshotId(3, 1));
            assertThrows(IllegalArgumentException.class, () -> log.truncateTo(0));
            assertEquals(9, log.endOffset());
        }

        @Test
        void truncateToTheStartEmptiesTheLog() {
            MemoryRaftLog log = threeBatches();
            log.truncateTo(0);
            assertEquals(0, log.endOffset());
            assertEquals(0, log.lastEpoch());
            assertTrue(log.batches().isEmpty());
        }
    }

    @Nested
    class PrefixDeletionAndReset {
        @Test
        void deletePrefixMovesTheStart() {
            MemoryRaftLog log = threeBatches();
            log.deletePrefixTo(new SnapshotId(3, 1));
            assertEquals(3, log.startOffset());
            assertEquals(1, log.startEpoch());
            assertEquals(9, log.endOffset());
            assertEquals(List.of(3L, 5L), log.read(3, Long.MAX_VALUE, Integer.MAX_VALUE).stream()
                    .map(Batch::baseOffset).toList());
            assertThrows(IllegalArgumentException.class, () -> log.epochOf(2));
            assertThrows(IllegalArgumentException.class, () -> log.read(0, Long.MAX_VALUE, Integer.MAX_VALUE));
        }

        @Test
        void endOffsetForEpochAfterPrefixDeletion() {
            MemoryRaftLog log = threeBatches();
            log.deletePrefixTo(new SnapshotId(5, 1));
            assertEquals(new OffsetAndEpoch(5, -1), log.endOffsetForEpoch(0), "older than the log: see the snapshot");
            assertEquals(new OffsetAndEpoch(5, 1), log.endOffsetForEpoch(1));
            assertEquals(new OffsetAndEpoch(9, 2), log.endOffsetForEpoch(2));
        }

        @Test
        void deletingTheWholeLogKeepsTheEndAndTheSnapshotEpoch() {
            MemoryRaftLog log = threeBatches();
            log.deletePrefixTo(new SnapshotId(9, 2));
            assertEquals(9, log.startOffset());
            assertEquals(9, log.endOffset());
            assertEquals(2, log.lastEpoch());
            assertEquals(new OffsetAndEpoch(9, 2), log.endOffsetAndEpoch());
            log.append(batch(9, 2, 1));
            assertEquals(10, log.endOffset());
        }

        @Test
        void deletePrefixAtOrBelowTheStartDoesNothing() {
            MemoryRaftLog log = threeBatches();
            log.deletePrefixTo(new SnapshotId(5, 1));
            log.deletePrefixTo(new SnapshotId(3, 1));
            log.deletePrefixTo(new SnapshotId(5, 1));
            assertEquals(5, log.startOffset());
            assertEquals(1, log.batches().size());
        }

        @Test
        void deletePrefixOffBoundaryOrPastTheEndIsRefused() {
            MemoryRaftLog log = threeBatches();
            assertThrows(IllegalArgumentException.class, () -> log.deletePrefixTo(new SnapshotId(4, 1)));
            assertThrows(IllegalArgumentException.class, () -> log.deletePrefixTo(new SnapshotId(10, 2)));
            assertEquals(0, log.startOffset());
            assertEquals(3, log.batches().size());
        }

        @Test
        void resetStartsAnEmptyLogAtTheSnapshot() {
            MemoryRaftLog log = threeBatches();
            log.resetTo(new SnapshotId(100, 4));
            assertEquals(100, log.startOffset());
            assertEquals(100, log.endOffset());
            assertEquals(4, log.startEpoch());
            assertEquals(4, log.lastEpoch());
            assertEquals(100, log.durableEndOffset(), "a reset is durable when it returns");
            assertTrue(log.batches().isEmpty());
            assertEquals(new OffsetAndEpoch(100, -1), log.endOffsetForEpoch(2));
            assertThrows(IllegalArgumentException.class, () -> log.append(batch(9, 4, 1)));
            log.append(batch(100, 4, 2));
            assertEquals(102, log.endOffset());
        }

        @Test
        void resetCanMoveTheLogBackwards() {
            // A follower far behind a leader's new history may load an older-offset snapshot.
            MemoryRaftLog log = threeBatches();
            log.flush();
            log.resetTo(new SnapshotId(2, 1));
            assertEquals(2, log.endOffset());
            assertEquals(2, log.durableEndOffset());
        }
    }

    @Nested
    class Durability {
        @Test
        void nothingIsDurableUntilFlushed() {
            MemoryRaftLog log = threeBatches();
            assertEquals(0, log.durableEndOffset());
            assertEquals(9, log.flush());
            assertEquals(9, log.durableEndOffset());
            assertFalse(log.flushUnderWay());
        }

        @Test
        void aFlushCoversOnlyWhatWasAppendedBeforeItBegan() {
            MemoryRaftLog log = threeBatches();
            log.beginFlush();
            assertTrue(log.flushUnderWay());
            log.append(batch(9, 2, 1));
            assertEquals(9, log.completeFlush());
            assertEquals(9, log.durableEndOffset());
            assertFalse(log.flushUnderWay());
        }

        @Test
        void onlyOneFlushAtATime() {
            MemoryRaftLog log = threeBatches();
            assertThrows(IllegalStateException.class, log::completeFlush, "nothing begun");
            log.beginFlush();
            assertThrows(IllegalStateException.class, log::beginFlush);
            assertThrows(IllegalStateException.class, log::flush);
            log.completeFlush();
            assertThrows(IllegalStateException.class, log::completeFlush);
        }

        @Test
        void crashLosesTheUnflushedTail() {
            MemoryRaftLog log = threeBatches();
            log.append(batch(9, 3, 1));
            log.beginFlush();
            log.completeFlush();
            log.append(batch(10, 3, 2));
            log.append(batch(12, 4, 1));
            log.crash();
            assertEquals(10, log.endOffset());
            assertEquals(3, log.lastEpoch(), "the lost epoch 4 is forgotten too");
            assertEquals(new OffsetAndEpoch(10, 3), log.endOffsetForEpoch(4));
        }

        @Test
        void crashDuringAFlushLosesWhatItCovered() {
            MemoryRaftLog log = threeBatches();
            log.beginFlush();
            log.crash();
            assertEquals(0, log.endOffset());
            assertFalse(log.flushUnderWay(), "the crash abandoned the flush");
            log.beginFlush();
            assertEquals(0, log.completeFlush());
        }

        @Test
        void truncationDuringAFlushLimitsWhatBecomesDurable() {
            // The flush began over the old tail; the new tail written after the truncation at 5
            // was never covered by it, so it must not count as durable.
            MemoryRaftLog log = threeBatches();
            log.beginFlush();
            log.truncateTo(5);
            log.append(batch(5, 3, 3));
            assertEquals(5, log.completeFlush());
            assertEquals(5, log.durableEndOffset());
            log.crash();
            assertEquals(5, log.endOffset());
            assertEquals(1, log.lastEpoch());
        }

        @Test
        void truncationBelowTheDurableEndLowersIt() {
            MemoryRaftLog log = threeBatches();
            log.flush();
            log.truncateTo(3);
            assertEquals(3, log.durableEndOffset());
            log.append(batch(3, 2, 4));
            log.crash();
            assertEquals(3, log.endOffset(), "the rewritten tail was never flushed");
        }

        @Test
        void aLaterFlushAfterTruncationCoversTheNewTail() {
            MemoryRaftLog log = threeBatches();
            log.beginFlush();
            log.truncateTo(5);
            log.completeFlush();
            log.append(batch(5, 3, 3));
            assertEquals(8, log.flush());
            log.crash();
            assertEquals(8, log.endOffset());
        }

        @Test
        void prefixDeletionKeepsTheDurableEndAtOrAboveTheStart() {
            MemoryRaftLog log = threeBatches();
            log.deletePrefixTo(new SnapshotId(5, 1));
            assertEquals(5, log.durableEndOffset());
            log.crash();
            assertEquals(5, log.startOffset());
            assertEquals(5, log.endOffset());
        }

        @Test
        void crashKeepsExactlyTheDurablePrefix() {
            // Random appends, flushes, truncations and crashes: after each crash the log is
            // exactly what was durable before it.
            Random random = new Random(17);
            MemoryRaftLog log = new MemoryRaftLog();
            int epoch = 1;
            for (int step = 0; step < 2_000; step++) {
                int action = random.nextInt(10);
                if (action < 5) {
                    epoch += random.nextInt(4) == 0 ? 1 : 0;
                    log.append(batch(log.endOffset(), epoch, 1 + random.nextInt(3)));
                } else if (action < 7) {
                    if (log.flushUnderWay()) {
                        log.completeFlush();
                    } else {
                        log.beginFlush();
                    }
                } else if (action < 8 && !log.batches().isEmpty()) {
                    List<Batch> batches = log.batches();
                    log.truncateTo(batches.get(random.nextInt(batches.size())).baseOffset());
                } else if (action < 9) {
                    long durable = log.durableEndOffset();
                    List<Batch> kept = log.batches().stream().filter(b -> b.endOffset() <= durable).toList();
                    log.crash();
                    assertEquals(durable, log.endOffset());
                    assertEquals(kept, log.batches());
                }
                assertTrue(log.durableEndOffset() <= log.endOffset(), "durable end past the log end at step " + step);
            }
        }

        @Test
        void completeFlushAfterAResetPastTheFlushReturnsTheDurableEnd() {
            MemoryRaftLog log = threeBatches();
            log.beginFlush();
            log.resetTo(new SnapshotId(100, 4));
            // Everything below 100 is in the snapshot; the log is durable up to 100, as
            // durableEndOffset() says, but completeFlush reports 9.
            assertEquals(log.durableEndOffset(), log.completeFlush());
        }
    }
}
