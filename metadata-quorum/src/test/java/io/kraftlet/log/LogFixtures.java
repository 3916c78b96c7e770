package io.kraftlet.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kraftlet.raft.Batch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Batches for log tests, and a content-aware comparison (Batch holds byte arrays). */
final class LogFixtures {
    private LogFixtures() {
    }

    /** A data batch at {@code baseOffset} with one small record per given text. */
    static Batch batch(long baseOffset, int epoch, String... records) {
        List<byte[]> bytes = new ArrayList<>();
        for (String record : records) {
            bytes.add(record.getBytes(StandardCharsets.UTF_8));
        }
        return new Batch(baseOffset, epoch, 1_000 + baseOffset, false, bytes);
    }

    /** A batch of {@code count} random records of up to {@code maxRecordBytes} bytes each. */
    static Batch randomBatch(Random random, long baseOffset, int epoch, int count, int maxRecordBytes) {
        List<byte[]> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] record = new byte[random.nextInt(maxRecordBytes + 1)];
            random.nextBytes(record);
            records.add(record);
        }
        return new Batch(baseOffset, epoch, random.nextInt(1_000_000), random.nextInt(10) == 0, records);
    }

    /** On-disk size of a batch's frame. */
    static int frameBytes(Batch batch) {
        return BatchFrame.encode(batch).remaining();
    }

    static void assertSameBatches(List<Batch> expected, List<Batch> actual) {
        assertEquals(expected.toString(), actual.toString(), "batch boundaries");
        for (int i = 0; i < expected.size(); i++) {
            assertSameBatch(expected.get(i), actual.get(i));
        }
    }

    static void assertSameBatch(Batch expected, Batch actual) {
        assertEquals(expected.baseOffset(), actual.baseOffset());
        assertEquals(expected.epoch(), actual.epoch());
        assertEquals(expected.appendTimeMs(), actual.appendTimeMs());
        assertEquals(expected.control(), actual.control());
        assertEquals(expected.records().size(), actual.records().size());
        for (int i = 0; i < expected.records().size(); i++) {
            assertArrayEquals(expected.records().get(i), actual.records().get(i), "record " + i + " of " + expected);
        }
    }
}
