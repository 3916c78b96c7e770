package io.kraftlet.metadata;

/**
 * Whether a partition's leader may serve as usual. After an unclean election the new leader is
 * RECOVERING: its log is declared the truth although it may miss acknowledged records, and it
 * must not expand the ISR until it says it has recovered (as in Kafka's KIP-704).
 */
public enum LeaderRecoveryState {
    RECOVERED,
    RECOVERING
}
