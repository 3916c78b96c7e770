package io.kraftlet.controller;

/**
 * Deliberate controller bugs that tests switch on (through the test-only
 * {@link QuorumController} constructor) to prove the controller simulation's checkers catch
 * them, as {@link io.kraftlet.raft.PlantedBug} does for the Raft core. Production code never
 * sets one; a controller built with the ordinary constructor has none.
 */
public enum ControllerPlantedBug {
    /** Fencing (or shutting down) a broker does not remove it from the ISRs it is in. */
    FENCED_BROKER_LEFT_IN_ISR,
    /**
     * An ONLINE election picks the first live replica, in or out of the ISR, although the topic
     * does not allow unclean elections (and without marking the leader RECOVERING).
     */
    ELECTION_OUTSIDE_ISR,
    /** A PREFERRED election moves leadership to a live replicas[0] even when it is not in the ISR. */
    PREFERRED_ELECTION_UNCLEAN
}
