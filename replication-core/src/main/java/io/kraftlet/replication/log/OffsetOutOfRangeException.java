package io.kraftlet.replication.log;

/**
 * An offset outside {@code [startOffset, endOffset]} of a {@link PartitionLog}: a fetch or
 * truncation the caller answers with OFFSET_OUT_OF_RANGE rather than a bug in the log.
 * Unchecked, as it escapes from {@link PartitionLog} to the fetch handler of the same thread.
 */
public final class OffsetOutOfRangeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long offset;
    private final long startOffset;
    private final long endOffset;

    public OffsetOutOfRangeException(String operation, long offset, long startOffset, long endOffset) {
        super("cannot " + operation + " at offset " + offset + ": the log holds [" + startOffset + ", " + endOffset + ")");
        this.offset = offset;
        this.startOffset = startOffset;
        this.endOffset = endOffset;
    }

    public long offset() {
        return offset;
    }

    public long startOffset() {
        return startOffset;
    }

    public long endOffset() {
        return endOffset;
    }
}
