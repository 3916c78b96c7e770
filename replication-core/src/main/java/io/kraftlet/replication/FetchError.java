package io.kraftlet.replication;

/**
 * Error codes of a partition leader's answer to a follower fetch, with Kafka's names. Kept apart
 * from {@link ReplicationError} (the produce-path errors) because a follower reacts to each one
 * differently: it waits for metadata, truncates, or resets its fetch position.
 */
public enum FetchError {
    NONE,
    /** This broker does not lead the partition (or the fetcher is not one of its replicas). */
    NOT_LEADER_OR_FOLLOWER,
    /** The fetch carries a leader epoch older than the leader's: the follower must learn the new one. */
    FENCED_LEADER_EPOCH,
    /** The fetch carries a leader epoch newer than the leader's: the leader has not seen that image yet. */
    UNKNOWN_LEADER_EPOCH,
    /** The fetch offset is outside the leader's [log start offset, log end offset]. */
    OFFSET_OUT_OF_RANGE;

    /** Whether the follower can do nothing but wait for a newer metadata image. */
    public boolean awaitsMetadata() {
        return this == NOT_LEADER_OR_FOLLOWER || this == FENCED_LEADER_EPOCH || this == UNKNOWN_LEADER_EPOCH;
    }
}
