package io.kraftlet.replication;

/** Error codes of the replication layer's answers, with Kafka's names and meanings. */
public enum ReplicationError {
    NONE,
    /** This broker does not lead (or follow) the partition. */
    NOT_LEADER_OR_FOLLOWER,
    /** The request carries a leader epoch older than the partition's. */
    FENCED_LEADER_EPOCH,
    /** A produce request's {@code acks} is not 0, 1 or -1. */
    INVALID_REQUIRED_ACKS,
    /** acks=all refused before the append: |ISR| &lt; min.insync.replicas. */
    NOT_ENOUGH_REPLICAS,
    /** acks=all appended, but the ISR shrank below min.insync.replicas while the request waited. */
    NOT_ENOUGH_REPLICAS_AFTER_APPEND,
    /** acks=all appended, but the HW did not cover it before the request's timeout. */
    REQUEST_TIMED_OUT;

    /** Whether the client may retry the same request (perhaps on another broker). */
    public boolean retriable() {
        return this != NONE && this != INVALID_REQUIRED_ACKS;
    }
}
