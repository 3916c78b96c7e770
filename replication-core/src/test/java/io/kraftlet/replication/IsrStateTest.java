package io.kraftlet.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The maximal-ISR rule of each ISR state, and what a state refuses to hold. */
class IsrStateTest {

    @Test
    void committedIsItsOwnMaximalIsr() {
        IsrState committed = new IsrState.Committed(List.of(1, 2));
        assertEquals(List.of(1, 2), committed.maximalIsr());
        assertFalse(committed.inFlight());
    }

    @Test
    void pendingExpandAlreadyCountsTheJoiningReplica() {
        IsrState.PendingExpand expand = new IsrState.PendingExpand(List.of(1, 2), 3);
        assertEquals(List.of(1, 2), expand.isr());
        assertEquals(List.of(1, 2, 3), expand.maximalIsr());
        assertEquals(List.of(1, 2, 3), expand.proposedIsr());
        assertTrue(expand.inFlight());
    }

    @Test
    void pendingShrinkStillCountsTheLeavingReplicas() {
        IsrState.PendingShrink shrink = new IsrState.PendingShrink(List.of(1, 2, 3), Set.of(3));
        assertEquals(List.of(1, 2, 3), shrink.maximalIsr());
        assertEquals(List.of(1, 2), shrink.proposedIsr());
        assertTrue(shrink.inFlight());
    }

    @Test
    void invalidStatesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new IsrState.Committed(List.of(1, 1)));
        assertThrows(IllegalArgumentException.class, () -> new IsrState.PendingExpand(List.of(1, 2), 2));
        assertThrows(IllegalArgumentException.class, () -> new IsrState.PendingShrink(List.of(1, 2), Set.of(3)));
        assertThrows(IllegalArgumentException.class, () -> new IsrState.PendingShrink(List.of(1, 2), Set.of()));
        assertThrows(IllegalArgumentException.class, () -> new IsrState.PendingShrink(List.of(1, 2), Set.of(1, 2)),
                "a shrink never empties the ISR");
    }
}
