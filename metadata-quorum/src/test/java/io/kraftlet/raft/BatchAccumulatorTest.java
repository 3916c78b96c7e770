package io.kraftlet.raft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The leader's append buffer: offsets on acceptance, a batch written once full or once its
 * first record lingered. (The bound on uncommitted bytes is the leader's, tested in RaftNodeTest.)
 */
class BatchAccumulatorTest {
    private static final int EPOCH = 3;
    private static final long FIRST_OFFSET = 101;
    private static final int LINGER_MS = 25;
    /** Room for exactly two 10-byte records: 40 + 2 * (8 + 10). */
    private static final int BATCH_MAX_BYTES = 76;
    private static final long T0 = 1_000;

    private static BatchAccumulator accumulator() {
        return new BatchAccumulator(EPOCH, FIRST_OFFSET, LINGER_MS, BATCH_MAX_BYTES);
    }

    private static List<byte[]> records(int count) {
        byte[][] records = new byte[count][];
        for (int i = 0; i < count; i++) {
            records[i] = new byte[10];
            records[i][0] = (byte) i;
        }
        return List.of(records);
    }

    private static BatchAccumulator.Accepted append(BatchAccumulator accumulator, List<byte[]> records, long nowMs) {
        return accumulator.append(records, BatchAccumulator.sizeOf(records), nowMs);
    }

    @Test
    void sizeCountsEachRecordWithItsOverhead() {
        assertEquals(2 * (Batch.RECORD_OVERHEAD_BYTES + 10), BatchAccumulator.sizeOf(records(2)));
        assertEquals(0, BatchAccumulator.sizeOf(List.of()));
    }

    @Test
    void offsetsAreAssignedOnAcceptance() {
        BatchAccumulator accumulator = accumulator();
        assertEquals(FIRST_OFFSET + 1, append(accumulator, records(2), T0).lastOffset());
        assertEquals(FIRST_OFFSET + 2, append(accumulator, records(1), T0).lastOffset(),
                "the next append continues where the last ended, before anything is written");
    }

    @Test
    void openBatchIsWrittenOnlyOnceItsFirstRecordLingered() {
        BatchAccumulator accumulator = accumulator();
        append(accumulator, records(1), T0);
        assertEquals(T0 + LINGER_MS, accumulator.nextDrainMs());
        assertTrue(accumulator.drain(T0 + LINGER_MS - 1).isEmpty());

        List<Batch> drained = accumulator.drain(T0 + LINGER_MS);
        assertEquals(1, drained.size());
        Batch batch = drained.get(0);
        assertEquals(FIRST_OFFSET, batch.baseOffset());
        assertEquals(EPOCH, batch.epoch());
        assertEquals(T0, batch.appendTimeMs(), "stamped with the time its first record arrived");
        assertFalse(batch.control());
        assertEquals(Long.MAX_VALUE, accumulator.nextDrainMs(), "nothing waits any more");
        assertTrue(accumulator.drain(T0 + 10 * LINGER_MS).isEmpty());
    }

    @Test
    void laterAppendsDoNotExtendTheLinger() {
        BatchAccumulator accumulator = accumulator();
        append(accumulator, records(1), T0);
        append(accumulator, records(1), T0 + 20);
        List<Batch> drained = accumulator.drain(T0 + LINGER_MS);
        assertEquals(1, drained.size());
        assertEquals(2, drained.get(0).records().size(), "one batch carries both appends");
    }

    @Test
    void batchIsClosedWhenTheNextAppendDoesNotFit() {
        BatchAccumulator accumulator = accumulator();
        append(accumulator, records(2), T0);
        assertEquals(T0 + LINGER_MS, accumulator.nextDrainMs(), "exactly full still lingers");
        append(accumulator, records(1), T0 + 5);
        assertEquals(Long.MIN_VALUE, accumulator.nextDrainMs(), "a closed batch is due at once");

        List<Batch> first = accumulator.drain(T0 + 5);
        assertEquals(1, first.size(), "the new open batch still lingers");
        assertEquals(FIRST_OFFSET, first.get(0).baseOffset());
        assertEquals(2, first.get(0).records().size());
        assertTrue(first.get(0).sizeInBytes() <= BATCH_MAX_BYTES);

        assertEquals(T0 + 5 + LINGER_MS, accumulator.nextDrainMs(), "the new batch lingers from its own first record");
        List<Batch> second = accumulator.drain(T0 + 5 + LINGER_MS);
        assertEquals(FIRST_OFFSET + 2, second.get(0).baseOffset());
        assertEquals(1, second.get(0).records().size());
    }

    @Test
    void recordsKeepTheirOrderAndContent() {
        BatchAccumulator accumulator = accumulator();
        List<byte[]> records = records(2);
        append(accumulator, records, T0);
        Batch batch = accumulator.drain(T0 + LINGER_MS).get(0);
        assertArrayEquals(records.get(0), batch.records().get(0));
        assertArrayEquals(records.get(1), batch.records().get(1));
    }

    @Test
    void fitsInOneBatchLeavesRoomForTheBatchOverhead() {
        BatchAccumulator accumulator = accumulator();
        assertTrue(accumulator.fitsInOneBatch(BATCH_MAX_BYTES - Batch.BATCH_OVERHEAD_BYTES));
        assertFalse(accumulator.fitsInOneBatch(BATCH_MAX_BYTES - Batch.BATCH_OVERHEAD_BYTES + 1));
        assertTrue(accumulator.fitsInOneBatch(BatchAccumulator.sizeOf(records(2))));
        assertFalse(accumulator.fitsInOneBatch(BatchAccumulator.sizeOf(records(3))));
    }

    @Test
    void manyAppendsGetContiguousOffsetsAcrossBatches() {
        BatchAccumulator accumulator = new BatchAccumulator(EPOCH, FIRST_OFFSET, LINGER_MS, BATCH_MAX_BYTES);
        long expectedLast = FIRST_OFFSET - 1;
        long now = T0;
        long nextBase = FIRST_OFFSET;
        Random random = new Random(3);
        for (int i = 0; i < 200; i++) {
            List<byte[]> records = records(1 + random.nextInt(2));
            expectedLast += records.size();
            assertEquals(expectedLast, append(accumulator, records, now).lastOffset());
            now += random.nextInt(10);
            for (Batch batch : accumulator.drain(now)) {
                assertEquals(nextBase, batch.baseOffset(), "batches leave in offset order without gaps");
                assertTrue(batch.sizeInBytes() <= BATCH_MAX_BYTES);
                nextBase = batch.endOffset();
            }
        }
        for (Batch batch : accumulator.drain(now + LINGER_MS)) {
            assertEquals(nextBase, batch.baseOffset());
            nextBase = batch.endOffset();
        }
        assertEquals(expectedLast + 1, nextBase);
    }
}
