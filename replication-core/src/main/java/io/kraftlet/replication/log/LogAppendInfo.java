package io.kraftlet.replication.log;

/**
 * Where {@link PartitionLog#appendAsLeader} put a batch.
 *
 * @param firstOffset the offset of the first record
 * @param lastOffset the offset of the last record; the log end offset is now {@code lastOffset + 1}
 */
public record LogAppendInfo(long firstOffset, long lastOffset) {
    public LogAppendInfo {
        // A batch holds at least one record, so its offsets are a non-empty range.
        if (firstOffset < 0 || lastOffset < firstOffset) {
            throw new IllegalArgumentException("bad offsets " + firstOffset + ".." + lastOffset);
        }
    }
}
