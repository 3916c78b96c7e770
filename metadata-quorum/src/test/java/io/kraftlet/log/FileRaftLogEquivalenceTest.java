package io.kraftlet.log;

import static io.kraftlet.log.LogFixtures.assertSameBatches;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kraftlet.raft.Batch;
import io.kraftlet.raft.SnapshotId;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random operation sequences applied to a {@link MemoryRaftLog} and a
 * {@link FileRaftLog} side by side: every answer, and every refusal, must be the same, and
 * stay the same across reopening the file log.
 */
class FileRaftLogEquivalenceTest {
    private static final int OPERATIONS = 1_200;

    @TempDir
    Path dir;

    @Test
    void fileLogAnswersLikeTheMemoryLog() {
        for (long seed = 1; seed <= 3; seed++) {
            run(seed, dir.resolve("seed-" + seed));
        }
    }

    private void run(long seed, Path logDir) {
        Random random = new Random(seed);
        FileRaftLog.Builder options = FileRaftLog.builder().segmentBytes(256 + random.nextInt(512)).indexIntervalBytes(64);
        MemoryRaftLog memory = new MemoryRaftLog();
        FileRaftLog file = FileRaftLog.open(logDir, options);
        try {
            for (int step = 0; step < OPERATIONS; step++) {
                String operation = step(random, memory, file);
                if (random.nextInt(100) == 0) {
                    file.close();
                    file = FileRaftLog.open(logDir, options);
                    operation += " + reopen";
                }
                assertSameState(memory, file, "seed " + seed + " step " + step + " after " + operation);
            }
        } finally {
            file.close();
        }
    }

    private static String step(Random random, MemoryRaftLog memory, FileRaftLog file) {
        int choice = random.nextInt(100);
        if (choice < 55) {
            Batch batch = nextBatch(random, memory);
            return both(memory, file, log -> {
                log.append(batch);
                return null;
            }, "append " + batch);
        }
        if (choice < 70) {
            long from = randomPosition(random, memory);
            long max = from + random.nextInt(30);
            int maxBytes = random.nextInt(400);
            return both(memory, file, log -> log.read(from, max, maxBytes), "read " + from + " " + max + " " + maxBytes);
        }
        if (choice < 80) {
            long offset = randomPosition(random, memory);
            return both(memory, file, log -> {
                log.truncateTo(offset);
                return null;
            }, "truncateTo " + offset);
        }
        if (choice < 88) {
            SnapshotId snapshot = prefixSnapshot(random, memory);
            return both(memory, file, log -> {
                log.deletePrefixTo(snapshot);
                return null;
            }, "deletePrefixTo " + snapshot);
        }
        if (choice < 90) {
            SnapshotId snapshot = new SnapshotId(Math.max(0, memory.endOffset() - 5 + random.nextInt(20)),
                    memory.lastEpoch() + random.nextInt(2));
            return both(memory, file, log -> {
                log.resetTo(snapshot);
                return null;
            }, "resetTo " + snapshot);
        }
        long offset = randomPosition(random, memory);
        return both(memory, file, log -> log.epochOf(offset), "epochOf " + offset)
                + both(memory, file, RaftLog::flush, " flush");
    }

    /** Mostly valid appends; now and then a wrong offset or an older epoch. */
    private static Batch nextBatch(Random random, MemoryRaftLog memory) {
        long base = random.nextInt(20) == 0 ? memory.endOffset() + random.nextInt(3) - 1 : memory.endOffset();
        int epoch = memory.lastEpoch() + (random.nextInt(8) == 0 ? 1 : 0) - (random.nextInt(30) == 0 ? 1 : 0);
        return LogFixtures.randomBatch(random, Math.max(0, base), Math.max(0, epoch), 1 + random.nextInt(4), 60);
    }

    /** A batch boundary most of the time, otherwise any offset near the log. */
    private static long randomPosition(Random random, MemoryRaftLog memory) {
        List<Batch> batches = memory.batches();
        if (batches.isEmpty() || random.nextInt(6) == 0) {
            return Math.max(0, memory.startOffset() - 2 + random.nextInt((int) (memory.endOffset() - memory.startOffset()) + 5));
        }
        return batches.get(random.nextInt(batches.size())).baseOffset();
    }

    /** A snapshot ending on a batch boundary (or the end), with the epoch of the record below it. */
    private static SnapshotId prefixSnapshot(Random random, MemoryRaftLog memory) {
        long end = randomPosition(random, memory);
        if (end > memory.startOffset() && end <= memory.endOffset()) {
            return new SnapshotId(end, memory.epochOf(end - 1));
        }
        return new SnapshotId(end, memory.startEpoch());
    }

    /** Applies {@code operation} to both logs; their results, or exception types, must match. */
    private static String both(RaftLog memory, RaftLog file, Function<RaftLog, Object> operation, String name) {
        Object expected;
        try {
            expected = operation.apply(memory);
        } catch (IllegalArgumentException e) {
            expected = e.getClass();
        }
        Object actual;
        try {
            actual = operation.apply(file);
        } catch (IllegalArgumentException e) {
            actual = e.getClass();
        }
        if (expected instanceof List<?> batches && actual instanceof List<?>) {
            @SuppressWarnings("unchecked")
            List<Batch> expectedBatches = (List<Batch>) batches;
            @SuppressWarnings("unchecked")
            List<Batch> actualBatches = (List<Batch>) actual;
            assertSameBatches(expectedBatches, actualBatches);
        } else {
            assertEquals(expected, actual, name);
        }
        return name;
    }

    private static void assertSameState(MemoryRaftLog memory, FileRaftLog file, String context) {
        assertEquals(memory.startOffset(), file.startOffset(), context);
        assertEquals(memory.startEpoch(), file.startEpoch(), context);
        assertEquals(memory.endOffset(), file.endOffset(), context);
        assertEquals(memory.lastEpoch(), file.lastEpoch(), context);
        for (int epoch = -1; epoch <= memory.lastEpoch() + 1; epoch++) {
            assertEquals(memory.endOffsetForEpoch(epoch), file.endOffsetForEpoch(epoch), context + ", epoch " + epoch);
        }
        for (long offset = memory.startOffset(); offset < memory.endOffset(); offset++) {
            assertEquals(memory.epochOf(offset), file.epochOf(offset), context + ", offset " + offset);
        }
        assertSameBatches(memory.read(memory.startOffset(), Long.MAX_VALUE, Integer.MAX_VALUE),
                file.read(file.startOffset(), Long.MAX_VALUE, Integer.MAX_VALUE));
    }
}
