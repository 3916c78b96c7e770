package io.kraftlet.controller;

/** Kinds of leader election, as in Kafka. */
public enum ElectionType {
    /** The leader is gone: pick the first live replica of the ISR, then of the ELR. Never loses data. */
    ONLINE,
    /** Move leadership back to replicas[0] if it is in the ISR and alive. Never unclean. */
    PREFERRED,
    /**
     * Like ONLINE, and if no ISR/ELR member is alive and the topic allows it, any live replica:
     * acknowledged data may be lost; the new leader is RECOVERING.
     */
    UNCLEAN
}
