package io.kraftlet.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The few file-system moves every durable store here is built from: write a small file so a
 * crash leaves either the old or the new content (temp file, fsync, rename, fsync directory),
 * fsync a directory so a created, renamed or deleted name survives a power cut, and positional
 * reads and writes that do not stop half way.
 *
 * <p>Static helpers; called from the driver thread; every method blocks on the disk.
 */
final class DurableFiles {
    /** Suffix of files being written; a name with it is never live data. */
    static final String TEMP_SUFFIX = ".tmp";

    private DurableFiles() {
    }

    /**
     * Replaces {@code target} with {@code content} atomically and durably: when this returns,
     * a crash leaves the new content; a crash before leaves the old content (or no file).
     */
    static void writeAtomically(Path target, byte[] content) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path temp = tempFileFor(absolute);
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(channel, ByteBuffer.wrap(content), 0);
            channel.force(true);
        }
        // rename(2) replaces the target atomically on POSIX file systems.
        Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        fsyncDirectory(absolute.getParent());
    }

    static Path tempFileFor(Path target) {
        return target.resolveSibling(target.getFileName() + TEMP_SUFFIX);
    }

    /** Makes the directory's entries (created, renamed, deleted names) durable. */
    static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir.toAbsolutePath(), StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** Writes every remaining byte of {@code buffer} at {@code position}. */
    static void writeFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            at += channel.write(buffer, at);
        }
    }

    /**
     * Reads into {@code buffer} from {@code position} until it is full or the file ends;
     * returns the number of bytes read.
     */
    static int readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        int total = 0;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, position + total);
            if (read < 0) {
                break;
            }
            total += read;
        }
        return total;
    }

    /** Wraps an I/O failure with the operation and file it concerns. */
    static UncheckedIOException failure(String operation, Path file, IOException cause) {
        return new UncheckedIOException("cannot " + operation + " " + file + ": " + cause.getMessage(), cause);
    }
}
