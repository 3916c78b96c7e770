package io.kraftlet.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Kafka's caught-up clock: when a follower counts as caught up to the leader's LEO. */
class FollowerStateTest {
    private static final long LAG_MS = 100;

    @Test
    void startsUnknownWithTheGivenCaughtUpTime() {
        FollowerState follower = new FollowerState(2, 50);
        assertEquals(-1, follower.logEndOffset());
        assertEquals(-1, follower.brokerEpoch());
        assertEquals(50, follower.lastCaughtUpTimeMs());
        assertTrue(follower.isCaughtUp(10, 150, LAG_MS));
        assertFalse(follower.isCaughtUp(10, 151, LAG_MS));
    }

    @Test
    void fetchAtTheLeaderLogEndOffsetIsCaughtUpNow() {
        FollowerState follower = new FollowerState(2, 0);
        follower.onFetch(10, 7, 10, 500);
        assertEquals(500, follower.lastCaughtUpTimeMs());
        assertEquals(10, follower.logEndOffset());
        assertEquals(7, follower.brokerEpoch());
        assertTrue(follower.isCaughtUp(10, 10_000, LAG_MS), "at the leader's LEO, however long ago");
    }

    @Test
    void reachingWhatTheLeaderHadAtThePreviousFetchWasCaughtUpThen() {
        FollowerState follower = new FollowerState(2, 0);
        follower.onFetch(5, 7, 10, 500);
        assertEquals(0, follower.lastCaughtUpTimeMs(), "behind the leader");
        follower.onFetch(10, 7, 20, 600);
        assertEquals(500, follower.lastCaughtUpTimeMs(), "it now holds what the leader had at 500");
        follower.onFetch(15, 7, 30, 700);
        assertEquals(500, follower.lastCaughtUpTimeMs(), "15 < 20: not caught up to the fetch at 600");
        assertFalse(follower.isCaughtUp(30, 601, LAG_MS));
        assertTrue(follower.isCaughtUp(30, 600, LAG_MS));
    }

    @Test
    void caughtUpTimeNeverMovesBack() {
        FollowerState follower = new FollowerState(2, 1_000);
        follower.onFetch(10, 7, 10, 900);
        assertEquals(1_000, follower.lastCaughtUpTimeMs());
    }
}
