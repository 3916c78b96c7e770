package io.kraftlet.replication;

/** Error codes of the replication layer's answers to clients, with Kafka's names and meanings. */
public enum ReplicationError {
    NONE,
    /** This broker does not lead (or follow) the partition. */
    NOT_LEADER_OR_FOLLOWER,
    /** The request carries a leader epoch older than the partition's. */
    FENCED_LEADER_EPOCH,
    /** The topic or partition does not exist in this broker's metadata image. */
    UNKNOWN_TOPIC_OR_PARTITION,
    /** A produce request's {@code acks} is not 0, 1 or -1. */
    INVALID_REQUIRED_ACKS,
    /** acks=all refused before the append: |ISR| &lt; min.insync.replicas. */
    NOT_ENOUGH_REPLICAS,
    /** acks=all appended, but the ISR shrank below min.insync.replicas while the request waited. */
    NOT_ENOUGH_REPLICAS_AFTER_APPEND,
    /** acks=all appended, but the HW did not cover it before the request's timeout. */
    REQUEST_TIMED_OUT,
    /** A read offset outside [log start offset, high watermark]. */
    OFFSET_OUT_OF_RANGE,
    /** A produce request with more bytes than one batch may hold ({@code message.max.bytes}). */
    RECORD_LIST_TOO_LARGE,
    /** A malformed request (no records, a negative timeout or size); the message names the field. */
    INVALID_REQUEST,
    /** Too many acks=all requests already wait on this broker; retry after a back-off. */
    THROTTLING_QUOTA_EXCEEDED,
    /** The partition's log failed on this broker (I/O error or corruption); it is offline here. */
    KAFKA_STORAGE_ERROR;

    /** Whether the client may retry the same request (perhaps on another broker, after fresh metadata). */
    public boolean retriable() {
        return switch (this) {
            case NONE, INVALID_REQUIRED_ACKS, RECORD_LIST_TOO_LARGE, INVALID_REQUEST, OFFSET_OUT_OF_RANGE -> false;
            default -> true;
        };
    }
}
