package io.kraftlet.log;

import static io.kraftlet.log.LogFixtures.assertSameBatch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kraftlet.log.BatchFrame.Header;
import io.kraftlet.log.BatchFrame.InvalidFrameException;
import io.kraftlet.raft.Batch;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BatchFrameTest {
    @Test
    void framesRoundTripAndSizeLikeTheBatch() throws InvalidFrameException {
        Random random = new Random(3);
        for (int i = 0; i < 200; i++) {
            Batch batch = LogFixtures.randomBatch(random, random.nextInt(1_000_000), random.nextInt(50), 1 + random.nextInt(5), 300);
            ByteBuffer frame = BatchFrame.encode(batch);
            Header header = BatchFrame.parseHeader(frame);
            assertEquals(frame.remaining(), header.totalLength());
            assertEquals(batch.sizeInBytes(), header.batchSizeInBytes());
            assertSameBatch(batch, BatchFrame.decode(header, frame));
        }
    }

    @Test
    void everySingleBitFlipIsDetected() throws InvalidFrameException {
        Batch batch = new Batch(77, 5, 123, true, List.of(new byte[] {1, 2, 3}, new byte[0]));
        ByteBuffer clean = BatchFrame.encode(batch);
        for (int bit = 0; bit < clean.remaining() * 8; bit++) {
            ByteBuffer frame = ByteBuffer.allocate(clean.remaining()).put(clean.duplicate()).flip();
            frame.put(bit / 8, (byte) (frame.get(bit / 8) ^ (1 << (bit % 8))));
            assertThrows(InvalidFrameException.class, () -> BatchFrame.decode(BatchFrame.parseHeader(frame), frame),
                    "bit " + bit);
        }
    }
}
