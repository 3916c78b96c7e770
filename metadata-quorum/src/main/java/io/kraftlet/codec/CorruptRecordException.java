package io.kraftlet.codec;

/**
 * Bytes that are not a metadata record kraftlet could have written: not protobuf, a truncated
 * frame, a frame with no record set, a required field missing, or a field holding a value no
 * controller writes (a negative partition id, a port above 65535, an unknown enum value, ...).
 * The message names the offending field, e.g.
 * {@code "PartitionRecord.partition_id must be >= 0, got -1"}; inside a snapshot it also names
 * the record's position.
 *
 * <p>Thrown by {@link MetadataRecordCodec}'s decode methods, which never return a half-decoded
 * record. Unchecked: a committed record that cannot be decoded is a hard error the caller
 * answers by stopping, as it does for corrupt storage, since skipping it would let this
 * node's image silently diverge from every other node's.
 */
public final class CorruptRecordException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CorruptRecordException(String message) {
        super(message);
    }

    public CorruptRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
