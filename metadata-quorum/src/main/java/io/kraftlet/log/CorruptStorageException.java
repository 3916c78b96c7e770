package io.kraftlet.log;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A durable file holds bytes that cannot be what kraftlet wrote: a bad checksum, a batch that
 * does not follow on, a segment missing from the middle of the log, flushed data missing. It
 * is a hard error: the node must stop and an operator must look, because carrying on could
 * silently drop committed records (DESIGN §2 "Storage format").
 *
 * <p>The message always names the file and, for the log, the byte position and offset. A torn
 * tail after an unclean stop (bytes after the recovery point) is not corruption: the log
 * truncates it with a warning instead of throwing this.
 *
 * <p>Unchecked, because the storage interfaces it escapes from ({@link RaftLog},
 * {@link SnapshotStore}, {@link QuorumStateStore}) are called by the driver thread, which
 * answers any of their exceptions by stopping the node.
 */
public final class CorruptStorageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    public CorruptStorageException(Path file, String detail) {
        super(Objects.requireNonNull(file, "file") + ": " + detail);
        this.file = file;
    }

    public CorruptStorageException(Path file, String detail, Throwable cause) {
        super(Objects.requireNonNull(file, "file") + ": " + detail, cause);
        this.file = file;
    }

    /** The file that holds the bad bytes (or, for a missing file, the file that should exist). */
    public Path file() {
        return file;
    }
}
