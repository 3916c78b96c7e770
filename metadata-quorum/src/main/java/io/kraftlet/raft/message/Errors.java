package io.kraftlet.raft.message;

/** Error codes of the Raft RPCs; the same names travel on the wire. */
public enum Errors {
    NONE,
    /** The request names another cluster: it came from a node formatted for another cluster. */
    INCONSISTENT_CLUSTER_ID,
    /** The sender claims a voter role it does not have in this quorum's voter set. */
    INCONSISTENT_VOTER_SET,
    /** The sender's epoch is older than the receiver's: the sender must catch up first. */
    FENCED_LEADER_EPOCH,
    /** The sender's epoch is newer than the receiver's: the receiver is behind. */
    UNKNOWN_LEADER_EPOCH,
    /** The receiver is not the leader; the response carries the leader it knows, if any. */
    NOT_LEADER,
    /** The snapshot asked for is no longer (or not yet) held by the leader. */
    SNAPSHOT_NOT_FOUND,
    /** The snapshot position asked for lies outside the snapshot. */
    POSITION_OUT_OF_RANGE,
    /** The request is malformed; the transport explains what was wrong. */
    INVALID_REQUEST
}
