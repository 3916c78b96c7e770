package io.kraftlet.log;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * The sparse offset index of one segment: every {@code intervalBytes} of log, the base offset
 * of a batch and its byte position, so a read scans at most about {@code intervalBytes} of
 * headers. Entries are kept in memory and mirrored to a {@code .index} file of 12-byte
 * entries (offset int64, position int32, big-endian).
 *
 * <p>The file is derived data: it is never fsynced, and on open the segment is scanned anyway
 * (see {@link FileRaftLog}), which rebuilds the entries and rewrites a file that is missing or
 * disagrees. Which batches get an entry depends only on the batch positions, so a rebuilt
 * index is byte-for-byte the index that was written.
 *
 * <p>Driver thread only; file operations block and throw {@link IOException}.
 */
final class OffsetIndex implements Closeable {
    static final int ENTRY_BYTES = 12;

    private final Path file;
    private final FileChannel channel;
    private final int intervalBytes;
    private long[] offsets = new long[16];
    private int[] positions = new int[16];
    private int size;

    private OffsetIndex(Path file, FileChannel channel, int intervalBytes) {
        this.file = file;
        this.channel = channel;
        this.intervalBytes = intervalBytes;
    }

    /** Opens (or creates) the index file with no entries in memory; the caller adds them. */
    static OffsetIndex open(Path file, int intervalBytes) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        return new OffsetIndex(file, channel, intervalBytes);
    }

    Path file() {
        return file;
    }

    /**
     * Notes a batch at {@code position}; returns true when it got an entry. Batches must come
     * in log order.
     */
    boolean onBatch(long baseOffset, long position) {
        long lastIndexedPosition = size == 0 ? 0 : positions[size - 1];
        if (position - lastIndexedPosition < intervalBytes) {
            return false;
        }
        if (size == offsets.length) {
            offsets = Arrays.copyOf(offsets, size * 2);
            positions = Arrays.copyOf(positions, size * 2);
        }
        offsets[size] = baseOffset;
        positions[size] = Math.toIntExact(position);
        size++;
        return true;
    }

    /** Notes an appended batch and mirrors a new entry to the file (not fsynced). */
    void onAppend(long baseOffset, long position) throws IOException {
        if (onBatch(baseOffset, position)) {
            DurableFiles.writeFully(channel, entryBytes(size - 1), (long) (size - 1) * ENTRY_BYTES);
        }
    }

    /** The position of the last indexed batch at or below {@code offset}, or 0 (the segment start). */
    long floorPosition(long offset) {
        int low = 0;
        int high = size - 1;
        int found = -1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (offsets[mid] <= offset) {
                found = mid;
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return found < 0 ? 0 : positions[found];
    }

    /** Forgets entries for batches at or above {@code offset} and shortens the file to match. */
    void truncateTo(long offset) throws IOException {
        while (size > 0 && offsets[size - 1] >= offset) {
            size--;
        }
        channel.truncate((long) size * ENTRY_BYTES);
    }

    /** Rewrites the file when it does not hold exactly the in-memory entries; returns true if it did. */
    boolean rewriteIfStale() throws IOException {
        ByteBuffer expected = ByteBuffer.allocate(size * ENTRY_BYTES);
        for (int i = 0; i < size; i++) {
            expected.put(entryBytes(i));
        }
        expected.flip();
        if (channel.size() == expected.remaining()) {
            ByteBuffer actual = ByteBuffer.allocate(expected.remaining());
            DurableFiles.readFully(channel, actual, 0);
            if (actual.flip().equals(expected)) {
                return false;
            }
        }
        channel.truncate(0);
        DurableFiles.writeFully(channel, expected, 0);
        return true;
    }

    private ByteBuffer entryBytes(int index) {
        return ByteBuffer.allocate(ENTRY_BYTES).putLong(offsets[index]).putInt(positions[index]).flip();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** Closes and removes the file. */
    void delete() throws IOException {
        close();
        Files.deleteIfExists(file);
    }
}
