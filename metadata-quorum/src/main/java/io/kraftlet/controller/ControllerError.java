package io.kraftlet.controller;

/** Error codes of controller answers, with Kafka's names and meanings. */
public enum ControllerError {
    NONE,
    /** This controller is not active; retry on the active one (the answer names it if known). */
    NOT_CONTROLLER,
    /** The broker epoch in the request is not the registered one. */
    STALE_BROKER_EPOCH,
    /** Another incarnation of this broker id is registered and its session is alive. */
    DUPLICATE_BROKER_REGISTRATION,
    /** The broker id has no registration. */
    BROKER_ID_NOT_REGISTERED,
    UNKNOWN_TOPIC_OR_PARTITION,
    UNKNOWN_TOPIC_ID,
    TOPIC_ALREADY_EXISTS,
    /** The topic name is empty, too long, has illegal characters or is "." or "..". */
    INVALID_TOPIC_EXCEPTION,
    INVALID_PARTITIONS,
    INVALID_REPLICATION_FACTOR,
    INVALID_REPLICA_ASSIGNMENT,
    INVALID_CONFIG,
    /** The request carries an older leader epoch than the partition has. */
    FENCED_LEADER_EPOCH,
    /** The request carries an older partition epoch than the partition has. */
    INVALID_UPDATE_VERSION,
    /** A proposed ISR member is fenced, shutting down, or has another broker epoch. */
    INELIGIBLE_REPLICA,
    /** The sender is not the partition leader. */
    NOT_LEADER_OR_FOLLOWER,
    INVALID_REQUEST,
    /** The partition already has the leader the election would pick. */
    ELECTION_NOT_NEEDED,
    /** The preferred replica is not in the ISR or not alive. */
    PREFERRED_LEADER_NOT_AVAILABLE,
    /** No replica may lead under the rules of the requested election. */
    ELIGIBLE_LEADERS_NOT_AVAILABLE,
    /** The controller has too much unwritten work; retry later. */
    THROTTLING_QUOTA_EXCEEDED,
    REQUEST_TIMED_OUT,
    /** The request names another cluster. */
    INCONSISTENT_CLUSTER_ID,
    UNKNOWN_SERVER_ERROR;

    /** Whether retrying the same request (perhaps elsewhere) may succeed. */
    public boolean retriable() {
        return this == NOT_CONTROLLER || this == REQUEST_TIMED_OUT || this == THROTTLING_QUOTA_EXCEEDED;
    }
}
