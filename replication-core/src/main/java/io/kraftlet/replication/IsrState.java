package io.kraftlet.replication;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The ISR of a partition as its leader sees it: committed, or with one AlterPartition in
 * flight. The <em>maximal ISR</em> is the set that governs the HW and acks=all while a change
 * is in flight: it assumes the expansion already happened and the shrink has not, so the leader
 * never acknowledges a record that the ISR the controller may commit does not hold (Kafka's
 * {@code PartitionState.maximalIsr}).
 *
 * <p>Immutable values.
 */
public sealed interface IsrState {

    /** The ISR the controller has committed (the one the last image or answer carried). */
    List<Integer> isr();

    /** The ISR that governs the HW and acks=all now. */
    List<Integer> maximalIsr();

    /** Whether an AlterPartition is in flight. */
    default boolean inFlight() {
        return !(this instanceof Committed);
    }

    /** No change in flight: the maximal ISR is the committed ISR. */
    record Committed(List<Integer> isr) implements IsrState {
        public Committed {
            isr = List.copyOf(isr);
            requireDistinct(isr);
        }

        @Override
        public List<Integer> maximalIsr() {
            return isr;
        }
    }

    /**
     * The leader, elected uncleanly and so RECOVERING, proposes RECOVERED with the same ISR (itself
     * alone, as the controller requires): its log is now the partition's truth.
     */
    record PendingRecovery(List<Integer> isr) implements IsrState {
        public PendingRecovery {
            isr = List.copyOf(isr);
            requireDistinct(isr);
        }

        @Override
        public List<Integer> maximalIsr() {
            return isr;
        }
    }

    /** {@code adding} is proposed for the ISR; it already counts for the HW (maximal ISR = isr + adding). */
    record PendingExpand(List<Integer> isr, int adding) implements IsrState {
        public PendingExpand {
            isr = List.copyOf(isr);
            requireDistinct(isr);
            if (isr.contains(adding)) {
                throw new IllegalArgumentException("replica " + adding + " is already in the ISR " + isr);
            }
        }

        @Override
        public List<Integer> maximalIsr() {
            List<Integer> maximal = new ArrayList<>(isr);
            maximal.add(adding);
            return List.copyOf(maximal);
        }

        /** The ISR proposed to the controller (kept apart from {@link #maximalIsr} on purpose: two rules). */
        public List<Integer> proposedIsr() {
            List<Integer> proposed = new ArrayList<>(isr);
            proposed.add(adding);
            return List.copyOf(proposed);
        }
    }

    /** {@code removing} is proposed to leave the ISR; until answered, the old, larger ISR still governs. */
    record PendingShrink(List<Integer> isr, Set<Integer> removing) implements IsrState {
        public PendingShrink {
            isr = List.copyOf(isr);
            removing = Set.copyOf(removing);
            requireDistinct(isr);
            if (removing.isEmpty() || !isr.containsAll(removing) || removing.size() >= isr.size()) {
                throw new IllegalArgumentException("cannot remove " + removing + " from the ISR " + isr);
            }
        }

        @Override
        public List<Integer> maximalIsr() {
            return isr;
        }

        /** The ISR proposed to the controller. */
        public List<Integer> proposedIsr() {
            return isr.stream().filter(id -> !removing.contains(id)).toList();
        }
    }

    private static void requireDistinct(List<Integer> isr) {
        if (Set.copyOf(isr).size() != isr.size()) {
            throw new IllegalArgumentException("duplicate ISR members in " + isr);
        }
    }
}
