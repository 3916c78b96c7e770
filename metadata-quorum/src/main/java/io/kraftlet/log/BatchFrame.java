package io.kraftlet.log;

import io.kraftlet.raft.Batch;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The on-disk frame of one batch in a {@link FileRaftLog} segment. Big-endian:
 *
 * <pre>
 *  pos  field          type   meaning
 *    0  magic          int8   format version, 1
 *    1  crc            int32  CRC32C of bytes [5, totalLength): everything after this field
 *    5  totalLength    int32  bytes in the whole frame, header included
 *    9  baseOffset     int64  offset of the first record
 *   17  epoch          int32  leader epoch that wrote the batch
 *   21  recordCount    int32  at least 1
 *   25  flags          int8   bit 0: control batch; other bits 0
 *   26  appendTimeMs   int64  leader's append time
 *   34  records        recordCount x (length int32, bytes)
 * </pre>
 *
 * <p>The CRC sits before the length and offsets so it covers them: a flipped bit in the base
 * offset or length is caught like one in a record (Kafka's v2 format leaves both uncovered).
 *
 * <p>Static, allocation-only helpers; no I/O, no threads.
 */
final class BatchFrame {
    static final byte MAGIC = 1;
    static final int HEADER_BYTES = 34;
    /** Largest frame accepted; keeps every file position of a segment within an int. */
    static final int MAX_FRAME_BYTES = 1 << 30;

    private static final int CRC_POSITION = 1;
    private static final int CRC_COVERS_FROM = 5;
    private static final int RECORD_LENGTH_BYTES = 4;
    private static final byte CONTROL_FLAG = 1;

    private BatchFrame() {
    }

    /** The fixed-size part of a frame, read without the records. */
    record Header(int totalLength, long baseOffset, int epoch, int recordCount, boolean control, long appendTimeMs) {
        long endOffset() {
            return baseOffset + recordCount;
        }

        /** {@link Batch#sizeInBytes()} of the batch in this frame, so reads size like the memory log. */
        long batchSizeInBytes() {
            long recordBytes = totalLength - HEADER_BYTES - (long) RECORD_LENGTH_BYTES * recordCount;
            return Batch.BATCH_OVERHEAD_BYTES + (long) Batch.RECORD_OVERHEAD_BYTES * recordCount + recordBytes;
        }
    }

    /** Why bytes are not a valid frame; the caller decides between torn tail and corruption. */
    static final class InvalidFrameException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidFrameException(String reason) {
            super(reason, null, false, false);
        }
    }

    static ByteBuffer encode(Batch batch) {
        long total = HEADER_BYTES;
        for (byte[] record : batch.records()) {
            total += RECORD_LENGTH_BYTES + record.length;
        }
        if (total > MAX_FRAME_BYTES) {
            throw new IllegalArgumentException(batch + " needs " + total + " bytes on disk; the limit is " + MAX_FRAME_BYTES);
        }
        ByteBuffer frame = ByteBuffer.allocate((int) total);
        frame.put(MAGIC).putInt(0).putInt((int) total).putLong(batch.baseOffset()).putInt(batch.epoch())
                .putInt(batch.records().size()).put(batch.control() ? CONTROL_FLAG : 0).putLong(batch.appendTimeMs());
        for (byte[] record : batch.records()) {
            frame.putInt(record.length).put(record);
        }
        frame.putInt(CRC_POSITION, crcOf(frame.array(), (int) total));
        return frame.flip();
    }

    /** Parses and sanity-checks the first {@link #HEADER_BYTES} of {@code header}. */
    static Header parseHeader(ByteBuffer header) throws InvalidFrameException {
        byte magic = header.get(0);
        if (magic != MAGIC) {
            throw new InvalidFrameException("unknown magic byte " + magic + " (expected " + MAGIC + ")");
        }
        int totalLength = header.getInt(5);
        long baseOffset = header.getLong(9);
        int epoch = header.getInt(17);
        int recordCount = header.getInt(21);
        byte flags = header.get(25);
        if (recordCount < 1 || totalLength > MAX_FRAME_BYTES
                || totalLength < HEADER_BYTES + (long) RECORD_LENGTH_BYTES * recordCount) {
            throw new InvalidFrameException("impossible length " + totalLength + " for " + recordCount + " records");
        }
        if (baseOffset < 0 || epoch < 0 || (flags & ~CONTROL_FLAG) != 0) {
            throw new InvalidFrameException("impossible header: offset " + baseOffset + ", epoch " + epoch + ", flags " + flags);
        }
        return new Header(totalLength, baseOffset, epoch, recordCount, flags == CONTROL_FLAG, header.getLong(26));
    }

    /**
     * Verifies the CRC of a whole frame ({@code header.totalLength()} bytes in an array-backed
     * buffer starting at index 0) and returns its batch.
     */
    static Batch decode(Header header, ByteBuffer frame) throws InvalidFrameException {
        if (frame.capacity() < header.totalLength()) {
            throw new InvalidFrameException("partial batch: " + frame.capacity() + " of " + header.totalLength() + " bytes");
        }
        int stored = frame.getInt(CRC_POSITION);
        int computed = crcOf(frame.array(), header.totalLength());
        if (stored != computed) {
            throw new InvalidFrameException(String.format("CRC32C mismatch: stored %08x, computed %08x", stored, computed));
        }
        List<byte[]> records = new ArrayList<>(header.recordCount());
        int position = HEADER_BYTES;
        for (int i = 0; i < header.recordCount(); i++) {
            int length = frame.getInt(position);
            position += RECORD_LENGTH_BYTES;
            if (length < 0 || length > header.totalLength() - position) {
                throw new InvalidFrameException("record " + i + " has impossible length " + length);
            }
            records.add(copy(frame.array(), position, length));
            position += length;
        }
        if (position != header.totalLength()) {
            throw new InvalidFrameException((header.totalLength() - position) + " stray bytes after the last record");
        }
        return new Batch(header.baseOffset(), header.epoch(), header.appendTimeMs(), header.control(), records);
    }

    private static byte[] copy(byte[] source, int from, int length) {
        byte[] bytes = new byte[length];
        System.arraycopy(source, from, bytes, 0, length);
        return bytes;
    }

    private static int crcOf(byte[] frame, int totalLength) {
        CRC32C crc = new CRC32C();
        crc.update(frame, CRC_COVERS_FROM, totalLength - CRC_COVERS_FROM);
        return (int) crc.getValue();
    }
}
