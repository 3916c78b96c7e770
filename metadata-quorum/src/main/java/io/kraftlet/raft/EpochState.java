package io.kraftlet.raft;

/**
 * The role a node plays in one epoch. Only {@link QuorumState} creates these and moves a node
 * from one to the next; the core dispatches on the sealed type.
 */
public sealed interface EpochState
        permits UnattachedState, ProspectiveState, CandidateState, LeaderState, FollowerState, ResignedState {
    int epoch();

    /** What must be durable while the node is in this state. */
    ElectionState election();

    /** The leader this state knows, if any. */
    LeaderAndEpoch leaderAndEpoch();

    /** The role's name, as reported by the {@code current-state} meter. */
    String name();
}
