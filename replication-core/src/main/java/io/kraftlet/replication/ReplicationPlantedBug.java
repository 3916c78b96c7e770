package io.kraftlet.replication;

/**
 * Deliberate replication bugs that tests switch on (through the test-only
 * {@link ReplicaManager} constructor) to prove the replication simulation's checkers catch them,
 * as {@code ControllerPlantedBug} does for the controller. Production code never sets one.
 */
public enum ReplicationPlantedBug {
    /**
     * The leader accepts a follower fetch that carries an older leader epoch and counts its
     * fetch offset toward the HW, although that follower's log may diverge from this epoch's.
     */
    HW_FROM_STALE_EPOCH_FETCH,
    /**
     * A follower is proposed for the ISR once it reached the HW, without also holding the start
     * offset of the leader's epoch.
     */
    EXPAND_BEFORE_EPOCH_START,
    /** The HW follows the ISR's LEOs even while |ISR| &lt; min.insync.replicas. */
    HW_ADVANCE_UNDER_MIN_ISR,
    /** acks=all is answered once the leader appended, without waiting for the HW. */
    ACK_BEFORE_HIGH_WATERMARK
}
