package io.kraftlet.raft;

/**
 * What the leader knows of one replica in its epoch. {@code endOffset} is the replica's
 * durable log end as its last valid fetch reported (-1 until then); it only grows within an
 * epoch, because a valid fetch proves the replica's log matches the leader's below it.
 */
public final class ReplicaProgress {
    private long endOffset = -1;
    private long lastFetchMs = -1;
    private long lastCaughtUpMs = -1;

    void onFetch(long fetchOffset, long leaderEndOffset, long nowMs) {
        endOffset = Math.max(endOffset, fetchOffset);
        lastFetchMs = nowMs;
        if (fetchOffset >= leaderEndOffset) {
            lastCaughtUpMs = nowMs;
        }
    }

    void setOwnEndOffset(long flushedEndOffset, long nowMs) {
        endOffset = flushedEndOffset;
        lastFetchMs = nowMs;
        lastCaughtUpMs = nowMs;
    }

    public long endOffset() {
        return endOffset;
    }

    public long lastFetchMs() {
        return lastFetchMs;
    }

    public long lastCaughtUpMs() {
        return lastCaughtUpMs;
    }
}
