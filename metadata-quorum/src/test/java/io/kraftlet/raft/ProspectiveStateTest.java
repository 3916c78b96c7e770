package io.kraftlet.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * A Prospective node runs a pre-vote without bumping its epoch: it persists nothing new,
 * reports no leader, and backs off after a lost round.
 */
class ProspectiveStateTest {
    private static final VoterSet VOTERS = new VoterSet(List.of(1, 2, 3));

    private static ProspectiveState prospective(OptionalInt votedId, OptionalInt abandonedLeaderId) {
        return new ProspectiveState(5, votedId, abandonedLeaderId, new VoteTally(VOTERS, 1), 8_000, 2);
    }

    @Test
    void keepsItsEpochAndVote() {
        ProspectiveState state = prospective(OptionalInt.of(3), OptionalInt.empty());
        assertEquals(5, state.epoch(), "pre-vote asks about epoch + 1 but stays in epoch");
        assertEquals(OptionalInt.of(3), state.votedId());
        assertEquals(ElectionState.withVote(5, 3), state.election());
    }

    @Test
    void electionStateHasNoLeader() {
        ProspectiveState state = prospective(OptionalInt.empty(), OptionalInt.of(2));
        assertEquals(ElectionState.withUnknownLeader(5), state.election());
        assertEquals(new LeaderAndEpoch(OptionalInt.empty(), 5), state.leaderAndEpoch());
    }

    @Test
    void remembersTheLeaderItAbandoned() {
        assertEquals(OptionalInt.of(2), prospective(OptionalInt.empty(), OptionalInt.of(2)).abandonedLeaderId());
        assertEquals(OptionalInt.empty(), prospective(OptionalInt.empty(), OptionalInt.empty()).abandonedLeaderId());
    }

    @Test
    void isNotBackingOffUntilToldTo() {
        ProspectiveState state = prospective(OptionalInt.empty(), OptionalInt.empty());
        assertFalse(state.backingOff());
        assertEquals(Long.MAX_VALUE, state.backoffUntilMs());
        state.startBackoff(9_000);
        assertTrue(state.backingOff());
        assertEquals(9_000, state.backoffUntilMs());
    }

    @Test
    void keepsDeadlineAndRetries() {
        ProspectiveState state = prospective(OptionalInt.empty(), OptionalInt.empty());
        assertEquals(8_000, state.electionDeadlineMs());
        assertEquals(2, state.retries());
        assertEquals("prospective", state.name());
    }

    @Test
    void preVotesStartWithItsOwn() {
        ProspectiveState state = prospective(OptionalInt.empty(), OptionalInt.empty());
        assertFalse(state.preVotes().won());
        state.preVotes().recordGrant(2);
        assertTrue(state.preVotes().won(), "own pre-vote plus one of three is a majority");
    }
}
