package io.kraftlet.log;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The durable recovery point of a {@link FileRaftLog}: the end offset covered by the last
 * completed flush. Everything below it was fsynced and may have been acknowledged, so on open
 * a bad batch below it is corruption, while a bad batch at or after it is a torn tail.
 *
 * <p>File {@value #FILE_NAME}: two fixed 32-byte slots, each {@code magic int32 ("KRPT"),
 * sequence int64, offset int64, CRC32C int32 (of the 20 bytes before it), 4 zero bytes}.
 * Sequence n goes to slot {@code n % 2}, overwriting the older slot in place, then the file is
 * fsynced. A torn slot write fails its CRC and open falls back to the other slot, which holds
 * the previous, lower or equal, recovery point: safe, since the flush whose write tore never
 * returned, so nothing above the old point was acknowledged.
 *
 * <p>Driver thread only; every method blocks on the disk.
 */
final class RecoveryPointFile implements Closeable {
    static final String FILE_NAME = "recovery-point-offset-checkpoint";
    private static final int SLOT_BYTES = 32;
    private static final int SLOTS = 2;
    private static final int MAGIC = 0x4B525054;
    private static final int CRC_COVERED_BYTES = 20;

    private final Path file;
    private final FileChannel channel;
    private long sequence;
    private long offset;

    private RecoveryPointFile(Path file, FileChannel channel, long sequence, long offset) {
        this.file = file;
        this.channel = channel;
        this.sequence = sequence;
        this.offset = offset;
    }

    static Path fileIn(Path dir) {
        return dir.resolve(FILE_NAME);
    }

    /** Creates the file atomically with both slots holding {@code offset}. */
    static RecoveryPointFile create(Path dir, long offset) throws IOException {
        ByteBuffer content = ByteBuffer.allocate(SLOT_BYTES * SLOTS);
        content.put(slot(0, offset)).put(slot(1, offset));
        DurableFiles.writeAtomically(fileIn(dir), content.array());
        return open(dir);
    }

    /** Opens the file and picks the valid slot with the highest sequence. */
    static RecoveryPointFile open(Path dir) throws IOException {
        Path file = fileIn(dir);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        ByteBuffer content = ByteBuffer.allocate(SLOT_BYTES * SLOTS);
        DurableFiles.readFully(channel, content, 0);
        long bestSequence = -1;
        long bestOffset = -1;
        for (int i = 0; i < SLOTS; i++) {
            ByteBuffer slot = content.slice(i * SLOT_BYTES, SLOT_BYTES);
            if (isValid(slot) && slot.getLong(4) > bestSequence) {
                bestSequence = slot.getLong(4);
                bestOffset = slot.getLong(12);
            }
        }
        if (bestSequence < 0) {
            channel.close();
            throw new CorruptStorageException(file, "neither recovery-point slot is valid (bad magic or CRC32C in both)");
        }
        return new RecoveryPointFile(file, channel, bestSequence, bestOffset);
    }

    static boolean exists(Path dir) {
        return Files.exists(fileIn(dir));
    }

    long offset() {
        return offset;
    }

    /** Durably records {@code newOffset}: written over the older slot, then fsynced. */
    void write(long newOffset) throws IOException {
        long next = sequence + 1;
        DurableFiles.writeFully(channel, slot(next, newOffset), (next % SLOTS) * SLOT_BYTES);
        channel.force(false);
        sequence = next;
        offset = newOffset;
    }

    private static ByteBuffer slot(long sequence, long offset) {
        ByteBuffer slot = ByteBuffer.allocate(SLOT_BYTES).putInt(MAGIC).putLong(sequence).putLong(offset);
        slot.putInt(crcOf(slot.array()));
        return slot.position(0);
    }

    private static boolean isValid(ByteBuffer slot) {
        return slot.getInt(0) == MAGIC && slot.getInt(CRC_COVERED_BYTES) == crcOf(slotBytes(slot)) && slot.getLong(12) >= 0;
    }

    private static byte[] slotBytes(ByteBuffer slot) {
        byte[] bytes = new byte[SLOT_BYTES];
        slot.get(0, bytes);
        return bytes;
    }

    private static int crcOf(byte[] slot) {
        CRC32C crc = new CRC32C();
        crc.update(slot, 0, CRC_COVERED_BYTES);
        return (int) crc.getValue();
    }

    Path file() {
        return file;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
