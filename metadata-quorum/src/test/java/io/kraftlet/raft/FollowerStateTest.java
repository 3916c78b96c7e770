package io.kraftlet.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * A Follower believes in its leader until the fetch deadline passes or the leader says it
 * resigned; that belief is what the pre-vote rule consults.
 */
class FollowerStateTest {
    private static FollowerState follower() {
        return new FollowerState(3, 2, OptionalInt.of(2), 1_000);
    }

    @Test
    void persistsLeaderAndVote() {
        FollowerState state = follower();
        assertEquals(ElectionState.withLeader(3, 2, OptionalInt.of(2)), state.election());
        assertEquals(LeaderAndEpoch.of(2, 3), state.leaderAndEpoch());
        assertEquals(2, state.leaderId());
        assertEquals("follower", state.name());
    }

    @Test
    void leaderIsLiveStrictlyBeforeTheFetchDeadline() {
        FollowerState state = follower();
        assertTrue(state.hasLiveLeader(0));
        assertTrue(state.hasLiveLeader(999));
        assertFalse(state.hasLiveLeader(1_000));
    }

    @Test
    void resetFetchDeadlineExtendsTheLeadersLife() {
        FollowerState state = follower();
        state.resetFetchDeadline(3_000);
        assertEquals(3_000, state.fetchDeadlineMs());
        assertTrue(state.hasLiveLeader(2_999));
        assertFalse(state.hasLiveLeader(3_000));
    }

    @Test
    void endedLeaderIsNotLiveEvenBeforeTheDeadline() {
        // After EndQuorumEpoch the follower grants pre-votes at once.
        FollowerState state = follower();
        state.markLeaderEnded(5_000);
        assertFalse(state.hasLiveLeader(0));
    }

    @Test
    void markLeaderEndedOnlyBringsTheDeadlineForward() {
        FollowerState state = follower();
        state.markLeaderEnded(5_000);
        assertEquals(1_000, state.fetchDeadlineMs(), "a resignation never extends the wait");
        state.markLeaderEnded(400);
        assertEquals(400, state.fetchDeadlineMs());
    }

    @Test
    void fetchesNoLongerExtendTheDeadlineOnceTheLeaderEnded() {
        FollowerState state = follower();
        state.markLeaderEnded(800);
        state.resetFetchDeadline(10_000);
        assertEquals(800, state.fetchDeadlineMs());
        assertFalse(state.hasLiveLeader(500));
    }

    @Test
    void endedLeaderIsNoLongerReportedButStillPersisted() {
        FollowerState state = follower();
        state.markLeaderEnded(800);
        // Nobody should be sent to a leader that resigned ...
        assertEquals(new LeaderAndEpoch(OptionalInt.empty(), 3), state.leaderAndEpoch());
        // ... but the epoch's leader and vote do not change, so nothing new must be persisted.
        assertEquals(ElectionState.withLeader(3, 2, OptionalInt.of(2)), state.election());
    }
}
