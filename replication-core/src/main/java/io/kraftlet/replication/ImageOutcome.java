package io.kraftlet.replication;

/** What a partition leader did with the partition's registration from a new metadata image. */
public enum ImageOutcome {
    /** A newer partition epoch of the same leadership: its ISR and replicas are now the partition's. */
    APPLIED,
    /** Not newer than the state held; nothing changed. */
    IGNORED_STALE,
    /**
     * A new leader epoch or another leader: this leader state is over. Nothing changed; the
     * caller replaces it (become leader again with the new epoch, or become follower).
     */
    LEADERSHIP_CHANGED
}
