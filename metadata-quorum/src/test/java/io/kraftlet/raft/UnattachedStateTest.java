package io.kraftlet.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** An Unattached node knows no leader; what it persists is its epoch and, if any, its vote. */
class UnattachedStateTest {
    @Test
    void withoutVotePersistsOnlyTheEpoch() {
        UnattachedState state = new UnattachedState(4, OptionalInt.empty(), 5_000);
        assertEquals(4, state.epoch());
        assertEquals(OptionalInt.empty(), state.votedId());
        assertEquals(ElectionState.withUnknownLeader(4), state.election());
    }

    @Test
    void withVotePersistsTheVote() {
        UnattachedState state = new UnattachedState(4, OptionalInt.of(2), 5_000);
        assertEquals(OptionalInt.of(2), state.votedId());
        assertEquals(ElectionState.withVote(4, 2), state.election());
    }

    @Test
    void knowsNoLeaderEvenAfterVoting() {
        // A vote is not a leader: the candidate may still lose.
        LeaderAndEpoch leader = new UnattachedState(4, OptionalInt.of(2), 5_000).leaderAndEpoch();
        assertEquals(new LeaderAndEpoch(OptionalInt.empty(), 4), leader);
        assertFalse(leader.isLeader(2));
        assertEquals(-1, leader.leaderIdOrNil());
    }

    @Test
    void keepsTheElectionDeadlineItWasGiven() {
        assertEquals(5_123, new UnattachedState(0, OptionalInt.empty(), 5_123).electionDeadlineMs());
    }

    @Test
    void reportsItsRoleName() {
        assertEquals("unattached", new UnattachedState(0, OptionalInt.empty(), 0).name());
    }
}
