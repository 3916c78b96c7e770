package io.kraftlet.log;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The durable start of a {@link FileRaftLog}: the offset and epoch of the snapshot its prefix
 * was replaced by, in {@value #FILE_NAME} (a {@link ChecksummedProperties} file). Written
 * before any segment below the new start is deleted, so a crash between the two leaves
 * segments that open deletes, never a log that starts later than it says.
 *
 * <p>Static helpers; driver thread; block on the disk.
 */
final class LogStartFile {
    static final String FILE_NAME = "log-start-offset-checkpoint";
    private static final int VERSION = 1;

    /** Where the log starts; (0, 0) for a log that never had its prefix deleted. */
    record Start(long offset, int epoch) {
    }

    private LogStartFile() {
    }

    static Start read(Path dir) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new Start(0, 0);
        }
        Map<String, String> values = ChecksummedProperties.decode(file, content);
        if (ChecksummedProperties.requireInt(file, values, "version") != VERSION) {
            throw new CorruptStorageException(file, "unsupported version " + values.get("version"));
        }
        long offset = ChecksummedProperties.requireLong(file, values, "start.offset");
        int epoch = ChecksummedProperties.requireInt(file, values, "start.epoch");
        if (offset < 0 || epoch < 0) {
            throw new CorruptStorageException(file, "impossible start " + offset + "/" + epoch);
        }
        return new Start(offset, epoch);
    }

    /** Durably records the new start (temp file, fsync, rename, fsync directory). */
    static void write(Path dir, long offset, int epoch) throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("version", Integer.toString(VERSION));
        values.put("start.offset", Long.toString(offset));
        values.put("start.epoch", Integer.toString(epoch));
        byte[] content = ChecksummedProperties.encode("kraftlet log start offset; written atomically, do not edit", values);
        DurableFiles.writeAtomically(dir.resolve(FILE_NAME), content);
    }
}
