package io.kraftlet.raft;

/**
 * A log position together with the leader epoch it belongs to. Used for end offsets of an
 * epoch (divergence detection) and for the last entry of a log when comparing candidates.
 *
 * @param offset a log offset; for end offsets, the first offset not covered
 * @param epoch the leader epoch; 0 means "no epoch" (an empty log), -1 means "unknown,
 *     before the start of this log"
 */
public record OffsetAndEpoch(long offset, int epoch) implements Comparable<OffsetAndEpoch> {

    /** Orders by epoch first, then offset: the Raft "at least as up to date" order. */
    @Override
    public int compareTo(OffsetAndEpoch other) {
        int byEpoch = Integer.compare(epoch, other.epoch);
        return byEpoch != 0 ? byEpoch : Long.compare(offset, other.offset);
    }
}
