package io.kraftlet.raft;

/**
 * The answer to one {@link RaftNode#append} call. Every append is answered exactly once.
 *
 * @param requestId the id the caller gave the append
 * @param status the outcome
 * @param lastOffset the offset of the append's last record when it was accepted, else -1
 * @param leader the leader as this node knows it (a hint for NOT_LEADER)
 */
public record AppendResult(long requestId, Status status, long lastOffset, LeaderAndEpoch leader) {
    public enum Status {
        /** The records are committed at offsets ending at {@code lastOffset}. */
        COMMITTED,
        /** Not appended: this node is not the leader; {@code leader} says who is, if known. */
        NOT_LEADER,
        /**
         * Accepted, but this node lost leadership before the records committed: they may still
         * commit under the next leader, or be lost. Listeners see which.
         */
        LEADERSHIP_LOST,
        /** Not appended: too many bytes are already waiting; retry after a pause. */
        BACK_PRESSURE,
        /** Not appended: no records, or one batch could not hold them. */
        INVALID_RECORDS
    }
}
