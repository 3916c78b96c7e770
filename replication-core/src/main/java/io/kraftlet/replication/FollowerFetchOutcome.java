package io.kraftlet.replication;

/**
 * What a {@link FollowerPartition} did with one fetch response, for its driver.
 *
 * @param kind what happened, and so what the driver does next
 * @param appendedBatches batches appended (APPENDED only)
 * @param truncatedTo the new log end offset after a truncation (TRUNCATED only; -1 otherwise)
 * @param lostAfterUncleanElection offsets below the follower's HW that the truncation removed:
 *     records this replica had seen committed, lost because an unclean election chose a leader
 *     without them (DESIGN §6: such a loss must be reported). Zero after clean elections.
 */
public record FollowerFetchOutcome(Kind kind, int appendedBatches, long truncatedTo, long lostAfterUncleanElection) {

    /** The follower's next step. */
    public enum Kind {
        /** Records (possibly none) appended and the HW taken: fetch again. */
        APPENDED,
        /** The log was truncated to the divergence point: fetch again from the new LEO. */
        TRUNCATED,
        /** The leader's epoch differs from ours, or it does not lead: wait for a newer metadata image. */
        AWAITING_METADATA,
        /** The fetch offset is outside the leader's log; the follower's log must be reset to the leader's start. */
        OFFSET_OUT_OF_RANGE,
        /** The response does not answer the fetch this follower has outstanding; nothing changed. */
        IGNORED_STALE
    }

    public FollowerFetchOutcome {
        if (appendedBatches < 0 || lostAfterUncleanElection < 0) {
            throw new IllegalArgumentException("negative count in " + kind);
        }
        if (kind != Kind.APPENDED && appendedBatches != 0) {
            throw new IllegalArgumentException(kind + " appends nothing");
        }
        if ((kind == Kind.TRUNCATED) != (truncatedTo >= 0) || (kind != Kind.TRUNCATED && lostAfterUncleanElection != 0)) {
            throw new IllegalArgumentException("truncation fields only for TRUNCATED: " + kind + " " + truncatedTo);
        }
    }

    static FollowerFetchOutcome of(Kind kind) {
        return new FollowerFetchOutcome(kind, 0, -1L, 0L);
    }
}
