package io.kraftlet.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A Candidate voted for itself in its epoch (that vote is what it persists) and knows no leader. */
class CandidateStateTest {
    private static final VoterSet VOTERS = new VoterSet(List.of(1, 2, 3, 4, 5));

    private static CandidateState candidate() {
        return new CandidateState(6, 1, new VoteTally(VOTERS, 1), 7_500, 3);
    }

    @Test
    void persistsItsVoteForItself() {
        assertEquals(ElectionState.withVote(6, 1), candidate().election());
    }

    @Test
    void knowsNoLeader() {
        assertEquals(new LeaderAndEpoch(OptionalInt.empty(), 6), candidate().leaderAndEpoch());
    }

    @Test
    void needsAMajorityOfVotes() {
        CandidateState state = candidate();
        assertEquals(Set.of(1), state.votes().granted());
        state.votes().recordGrant(2);
        assertFalse(state.votes().won(), "2 of 5 is no majority");
        state.votes().recordGrant(3);
        assertTrue(state.votes().won());
    }

    @Test
    void backsOffOnlyWhenToldTo() {
        CandidateState state = candidate();
        assertFalse(state.backingOff());
        assertEquals(Long.MAX_VALUE, state.backoffUntilMs());
        state.startBackoff(7_600);
        assertTrue(state.backingOff());
        assertEquals(7_600, state.backoffUntilMs());
    }

    @Test
    void keepsDeadlineRetriesAndName() {
        CandidateState state = candidate();
        assertEquals(6, state.epoch());
        assertEquals(7_500, state.electionDeadlineMs());
        assertEquals(3, state.retries());
        assertEquals("candidate", state.name());
    }
}
