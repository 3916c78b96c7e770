package io.kraftlet.raft;

/**
 * Deliberate protocol bugs that tests switch on (through {@link RaftNode.Builder}) to prove the
 * simulation's checkers catch them. Production code never sets one; a node built without
 * {@code plantBugForTesting} has none.
 */
public enum PlantedBug {
    /** Voters grant votes without checking that the candidate's log is up to date. */
    VOTE_WITHOUT_LOG_CHECK,
    /** The leader counts observers' fetch offsets when computing the high watermark. */
    HW_COUNTS_OBSERVERS,
    /** The leader may commit entries of older epochs before one of its own epoch. */
    NO_OWN_EPOCH_COMMIT_RULE,
    /** The leader never answers a diverging epoch, so followers keep a divergent tail. */
    NO_DIVERGENCE_CHECK,
    /** The leader counts its own log end offset toward the high watermark before it is flushed. */
    HW_COUNTS_UNFLUSHED_LEADER
}
