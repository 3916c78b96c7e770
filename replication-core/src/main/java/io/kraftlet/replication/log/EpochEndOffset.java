package io.kraftlet.replication.log;

/**
 * The answer of {@link PartitionLog#endOffsetForEpoch}: a leader epoch present in the log and
 * the first offset after its last batch. A follower whose log holds {@code epoch} beyond
 * {@code endOffset} has diverged there and truncates to {@code endOffset}.
 *
 * @param epoch the largest epoch at or below the one asked about, or {@link #UNDEFINED_EPOCH}
 *     when the log no longer reaches back that far
 * @param endOffset the end offset of {@code epoch}; the log start offset for an undefined epoch
 */
public record EpochEndOffset(int epoch, long endOffset) {
    /** Kafka's UNDEFINED_EPOCH: the asked epoch is older than the start of the log. */
    public static final int UNDEFINED_EPOCH = -1;

    public EpochEndOffset {
        if (epoch < UNDEFINED_EPOCH || endOffset < 0) {
            throw new IllegalArgumentException("bad epoch end offset " + epoch + "/" + endOffset);
        }
    }
}
