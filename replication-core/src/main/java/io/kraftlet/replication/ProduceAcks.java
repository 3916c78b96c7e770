package io.kraftlet.replication;

/**
 * The {@code acks} rules of a produce request (DESIGN.md §4): 0 waits for nothing (no answer is
 * sent), 1 is answered once the leader appended, -1 ("all") once the HW covers the batch. For
 * acks=all the leader refuses before the append with NOT_ENOUGH_REPLICAS while the ISR is
 * smaller than {@code min.insync.replicas}, because the HW could not cover the batch then.
 *
 * <p>Stateless and pure.
 */
public final class ProduceAcks {
    /** No answer: the producer does not wait. */
    public static final int NONE = 0;
    /** Answered once the leader appended. */
    public static final int LEADER = 1;
    /** Answered once the HW covers the batch (every member of the maximal ISR holds it). */
    public static final int ALL = -1;

    private ProduceAcks() {
    }

    /** INVALID_REQUIRED_ACKS for anything but 0, 1 and -1. */
    public static ReplicationError validate(int acks) {
        return acks == NONE || acks == LEADER || acks == ALL ? ReplicationError.NONE
                : ReplicationError.INVALID_REQUIRED_ACKS;
    }

    /** The checks a leader makes before it appends a produce request's batch. */
    public static ReplicationError checkBeforeAppend(int acks, int isrSize, int minInsyncReplicas) {
        ReplicationError invalid = validate(acks);
        if (invalid != ReplicationError.NONE) {
            return invalid;
        }
        return acks == ALL && isrSize < minInsyncReplicas ? ReplicationError.NOT_ENOUGH_REPLICAS
                : ReplicationError.NONE;
    }

    /** Whether the answer waits in the {@link ProducePurgatory} for the HW (acks=all). */
    public static boolean waitsForHighWatermark(int acks) {
        return acks == ALL;
    }

    /** Whether the producer gets an answer at all (not for acks=0). */
    public static boolean answers(int acks) {
        return acks != NONE;
    }
}
