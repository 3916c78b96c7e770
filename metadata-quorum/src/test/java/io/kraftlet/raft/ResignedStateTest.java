package io.kraftlet.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A Resigned leader names its successors in order, resends EndQuorumEpoch to those that have
 * not answered, and still persists itself as the epoch's leader so it never leads it again.
 */
class ResignedStateTest {
    @Test
    void keepsTheSuccessorOrderAndCopiesTheList() {
        List<Integer> successors = new ArrayList<>(List.of(3, 2));
        ResignedState state = new ResignedState(4, 1, successors, 9_000);
        successors.add(5);
        assertEquals(List.of(3, 2), state.preferredSuccessors());
        assertThrows(UnsupportedOperationException.class, () -> state.preferredSuccessors().add(7));
    }

    @Test
    void everySuccessorStartsUnacknowledged() {
        ResignedState state = new ResignedState(4, 1, List.of(3, 2), 9_000);
        assertEquals(Set.of(2, 3), state.unacknowledged());
    }

    @Test
    void acknowledgingRemovesOnlyFromTheResendSet() {
        ResignedState state = new ResignedState(4, 1, List.of(3, 2), 9_000);
        state.unacknowledged().remove(3);
        assertEquals(Set.of(2), state.unacknowledged());
        assertEquals(List.of(3, 2), state.preferredSuccessors(), "the order sent to voters does not change");
        state.unacknowledged().remove(2);
        assertTrue(state.unacknowledged().isEmpty());
    }

    @Test
    void persistsItselfAsTheEpochsLeaderButReportsNoLeader() {
        ResignedState state = new ResignedState(4, 1, List.of(2, 3), 9_000);
        assertEquals(ElectionState.withLeader(4, 1, OptionalInt.of(1)), state.election());
        assertEquals(new LeaderAndEpoch(OptionalInt.empty(), 4), state.leaderAndEpoch());
        assertEquals(4, state.epoch());
        assertEquals(9_000, state.electionDeadlineMs());
        assertEquals("resigned", state.name());
    }
}
