package io.kraftlet.raft;

/**
 * Names a snapshot: it contains every record below {@code endOffset}, and the last record it
 * contains was written in {@code epoch}. A log whose prefix was replaced by this snapshot
 * starts at {@code endOffset}.
 */
public record SnapshotId(long endOffset, int epoch) {
    public SnapshotId {
        if (endOffset < 0 || epoch < 0) {
            throw new IllegalArgumentException("snapshot id needs endOffset >= 0 and epoch >= 0, got " + endOffset + "/" + epoch);
        }
    }

    /** The file name used by file-based stores, {@code <offset>-<epoch>.checkpoint}. */
    public String fileName() {
        return String.format("%020d-%010d.checkpoint", endOffset, epoch);
    }
}
