package io.kraftlet.replication;

/** What a partition leader did with the controller's answer to its AlterPartition. */
public enum AlterPartitionOutcome {
    /** The answer carried the new committed ISR and partition epoch; they are now the partition's. */
    APPLIED,
    /** The change was refused for good (e.g. INELIGIBLE_REPLICA); the ISR is back to the committed one. */
    REVERTED,
    /** A retriable error (e.g. NOT_CONTROLLER): the same proposal stays in flight; send it again. */
    RETRY,
    /**
     * The partition moved on at the controller (FENCED_LEADER_EPOCH, INVALID_UPDATE_VERSION, ...):
     * the proposal stays in flight until the image brings the newer partition epoch.
     */
    AWAITING_METADATA,
    /** The answer is not for the proposal in flight, or older than the state held; nothing changed. */
    IGNORED_STALE
}
