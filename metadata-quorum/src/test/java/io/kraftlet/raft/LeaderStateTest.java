package io.kraftlet.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The leader's bookkeeping: the high watermark from voters only and only once a record of
 * its own epoch is on a majority, check-quorum with its grace period, successor order, and
 * bounded observer tracking.
 */
class LeaderStateTest {
    private static final int SELF = 1;
    private static final int EPOCH = 5;
    private static final long START = 100;
    private static final long ELECTED_AT = 1_000;
    private static final RaftConfig CONFIG = RaftConfig.DEFAULT;
    private static final long CHECK_QUORUM_MS = CONFIG.checkQuorumTimeoutMs();
    private static final Set<PlantedBug> NO_BUGS = EnumSet.noneOf(PlantedBug.class);

    private static LeaderState leader(Integer... voters) {
        return new LeaderState(EPOCH, SELF, START, new VoterSet(List.of(voters)), CONFIG, ELECTED_AT);
    }

    private static LeaderState leaderWithMaxObservers(int maxObservers) {
        RaftConfig config = new RaftConfig(1000, 2000, 1000, 20, 25, 2000, 500, 1 << 20, 1 << 20, 8 << 20,
                1 << 20, maxObservers, 64);
        return new LeaderState(EPOCH, SELF, START, new VoterSet(List.of(1, 2, 3)), config, ELECTED_AT);
    }

    private static OptionalLong highWatermark(LeaderState leader, long current) {
        return leader.computeHighWatermark(current, NO_BUGS);
    }

    @Test
    void reportsItselfAsLeaderAndPersistsIt() {
        LeaderState leader = leader(1, 2, 3);
        assertEquals(LeaderAndEpoch.of(SELF, EPOCH), leader.leaderAndEpoch());
        assertEquals(ElectionState.withLeader(EPOCH, SELF, OptionalInt.of(SELF)), leader.election());
        assertEquals(START, leader.epochStartOffset());
        assertEquals("leader", leader.name());
    }

    @Test
    void userAppendsFollowTheLeaderChangeRecord() {
        // The leader-change record takes the epoch start offset itself.
        LeaderState leader = leader(1, 2, 3);
        BatchAccumulator.Accepted accepted = leader.accumulator().append(List.of(new byte[1]), 9, ELECTED_AT);
        assertEquals(START + 1, accepted.lastOffset());
    }

    @Test
    void beginQuorumEpochIsOwedToEveryOtherVoterUntilTheyFetchOrAnswer() {
        LeaderState leader = leader(1, 2, 3, 4);
        assertEquals(Set.of(2, 3, 4), leader.unackedBeginQuorum());
        leader.updateReplica(2, START, START + 1, ELECTED_AT + 1);
        leader.acknowledgeBeginQuorum(3);
        leader.updateReplica(9, START, START + 1, ELECTED_AT + 1);
        assertEquals(Set.of(4), leader.unackedBeginQuorum(), "an observer's fetch acknowledges nothing");
    }

    @Test
    void highWatermarkIsTheOffsetAMajorityOfVotersHas() {
        LeaderState leader = leader(1, 2, 3);
        leader.updateOwnEndOffset(110, ELECTED_AT);
        leader.updateReplica(2, 105, 110, ELECTED_AT);
        assertEquals(OptionalLong.of(105), highWatermark(leader, 0));
        leader.updateReplica(3, 108, 110, ELECTED_AT);
        assertEquals(OptionalLong.of(108), highWatermark(leader, 105));
    }

    @Test
    void highWatermarkNeedsARecordOfTheLeadersOwnEpoch() {
        // Offsets up to and including the epoch start belong to earlier epochs (plus the
        // leader-change record's slot); they commit only together with it.
        LeaderState leader = leader(1, 2, 3);
        leader.updateOwnEndOffset(START, ELECTED_AT);
        leader.updateReplica(2, START, START, ELECTED_AT);
        leader.updateReplica(3, START, START, ELECTED_AT);
        assertEquals(OptionalLong.empty(), highWatermark(leader, 0));

        leader.updateOwnEndOffset(START + 1, ELECTED_AT);
        leader.updateReplica(2, START + 1, START + 1, ELECTED_AT);
        assertEquals(OptionalLong.of(START + 1), highWatermark(leader, 0));
    }

    @Test
    void highWatermarkOnlyMovesForward() {
        LeaderState leader = leader(1, 2, 3);
        leader.updateOwnEndOffset(110, ELECTED_AT);
        leader.updateReplica(2, 105, 110, ELECTED_AT);
        assertEquals(OptionalLong.empty(), highWatermark(leader, 105), "no change at the current value");
        assertEquals(OptionalLong.empty(), highWatermark(leader, 107), "never backwards");
    }

    @Test
    void followersAloneCanFormTheMajority() {
        // The leader's own offset counts only once flushed; two flushed followers of three suffice.
        LeaderState leader = leader(1, 2, 3);
        leader.updateReplica(2, 104, 110, ELECTED_AT);
        leader.updateReplica(3, 106, 110, ELECTED_AT);
        assertEquals(OptionalLong.of(104), highWatermark(leader, 0));
    }

    @Test
    void observersNeverCountTowardTheHighWatermark() {
        LeaderState leader = leader(1, 2, 3);
        leader.updateOwnEndOffset(150, ELECTED_AT);
        leader.updateReplica(10, 150, 150, ELECTED_AT);
        leader.updateReplica(11, 150, 150, ELECTED_AT);
        assertEquals(OptionalLong.empty(), highWatermark(leader, 0));
        // The planted bug shows what this test guards against.
        assertEquals(OptionalLong.of(150), leader.computeHighWatermark(0, EnumSet.of(PlantedBug.HW_COUNTS_OBSERVERS)));
    }

    @Test
    void singleVoterCommitsWhatItFlushed() {
        LeaderState leader = leader(1);
        assertEquals(OptionalLong.empty(), highWatermark(leader, 0), "nothing flushed yet");
        leader.updateOwnEndOffset(START + 3, ELECTED_AT);
        assertEquals(OptionalLong.of(START + 3), highWatermark(leader, 0));
    }

    @Test
    void fourVotersNeedThree() {
        LeaderState leader = leader(1, 2, 3, 4);
        leader.updateOwnEndOffset(120, ELECTED_AT);
        leader.updateReplica(2, 115, 120, ELECTED_AT);
        assertEquals(OptionalLong.empty(), highWatermark(leader, 0), "two of four is no majority");
        leader.updateReplica(3, 110, 120, ELECTED_AT);
        assertEquals(OptionalLong.of(110), highWatermark(leader, 0));
    }

    @Test
    void fiveVotersNeedThree() {
        LeaderState leader = leader(1, 2, 3, 4, 5);
        leader.updateOwnEndOffset(120, ELECTED_AT);
        leader.updateReplica(2, 118, 120, ELECTED_AT);
        leader.updateReplica(3, 112, 120, ELECTED_AT);
        leader.updateReplica(4, 105, 120, ELECTED_AT);
        assertEquals(OptionalLong.of(112), highWatermark(leader, 0));
    }

    @Test
    void aReplicasEndOffsetNeverGoesBackWithinTheEpoch() {
        LeaderState leader = leader(1, 2, 3);
        leader.updateReplica(2, 105, 110, ELECTED_AT);
        leader.updateReplica(2, 103, 110, ELECTED_AT + 1);
        assertEquals(105, leader.voterProgress().get(2).endOffset());
        assertEquals(ELECTED_AT + 1, leader.voterProgress().get(2).lastFetchMs());
    }

    @Test
    void checkQuorumGivesANewLeaderOneFullPeriod() {
        LeaderState leader = leader(1, 2, 3);
        assertFalse(leader.lostQuorum(ELECTED_AT + CHECK_QUORUM_MS - 1, CHECK_QUORUM_MS));
        assertTrue(leader.lostQuorum(ELECTED_AT + CHECK_QUORUM_MS, CHECK_QUORUM_MS), "nobody fetched");
    }

    @Test
    void checkQuorumCountsTheLeaderAndRecentFetchers() {
        LeaderState leader = leader(1, 2, 3);
        long fetchedAt = ELECTED_AT + 1_000;
        leader.updateReplica(2, START, START, fetchedAt);
        assertFalse(leader.lostQuorum(fetchedAt + CHECK_QUORUM_MS - 1, CHECK_QUORUM_MS));
        assertTrue(leader.lostQuorum(fetchedAt + CHECK_QUORUM_MS, CHECK_QUORUM_MS));
    }

    @Test
    void checkQuorumNeedsAMajorityOfFiveVoters() {
        LeaderState leader = leader(1, 2, 3, 4, 5);
        long now = ELECTED_AT + 2 * CHECK_QUORUM_MS;
        leader.updateReplica(2, START, START, now - 10);
        assertTrue(leader.lostQuorum(now, CHECK_QUORUM_MS), "leader and one follower are two of five");
        leader.updateReplica(3, START, START, now - 10);
        assertFalse(leader.lostQuorum(now, CHECK_QUORUM_MS));
    }

    @Test
    void observersDoNotKeepALeaderInPower() {
        LeaderState leader = leader(1, 2, 3);
        long now = ELECTED_AT + 2 * CHECK_QUORUM_MS;
        leader.updateReplica(10, START, START, now - 1);
        leader.updateReplica(11, START, START, now - 1);
        assertTrue(leader.lostQuorum(now, CHECK_QUORUM_MS));
    }

    @Test
    void nextCheckQuorumOfANewLeaderIsTheEndOfItsGracePeriod() {
        LeaderState leader = leader(1, 2, 3);
        assertEquals(ELECTED_AT + CHECK_QUORUM_MS, leader.nextCheckQuorumMs(ELECTED_AT, CHECK_QUORUM_MS));
    }

    @Test
    void nextCheckQuorumDuringGraceFollowsALiveVoter() {
        // Voter 2 keeps the leader in power past the grace end, until its own fetch expires.
        LeaderState leader = leader(1, 2, 3);
        leader.updateReplica(2, START, START, ELECTED_AT + 10);
        long next = leader.nextCheckQuorumMs(ELECTED_AT + 20, CHECK_QUORUM_MS);
        assertEquals(ELECTED_AT + 10 + CHECK_QUORUM_MS, next);
        assertFalse(leader.lostQuorum(next - 1, CHECK_QUORUM_MS));
        assertTrue(leader.lostQuorum(next, CHECK_QUORUM_MS));
    }

    @Test
    void nextCheckQuorumIsWhenTooFewVotersStillCount() {
        LeaderState leader = leader(1, 2, 3);
        leader.updateReplica(2, START, START, ELECTED_AT + 2_000);
        leader.updateReplica(3, START, START, ELECTED_AT + 1_000);
        long now = ELECTED_AT + 2_500;
        // One other voter keeps a quorum of three, so the leader loses it only when the later
        // of the two fetches expires; nothing needs checking before.
        long lostAt = ELECTED_AT + 2_000 + CHECK_QUORUM_MS;
        assertEquals(lostAt, leader.nextCheckQuorumMs(now, CHECK_QUORUM_MS));
        assertFalse(leader.lostQuorum(lostAt - 1, CHECK_QUORUM_MS));
        assertTrue(leader.lostQuorum(lostAt, CHECK_QUORUM_MS));
        long later = ELECTED_AT + 1_000 + CHECK_QUORUM_MS;
        assertEquals(lostAt, leader.nextCheckQuorumMs(later, CHECK_QUORUM_MS));
    }

    @Test
    void nextCheckQuorumIsNeverLaterThanTheMomentQuorumIsLost() {
        // Property over random fetch patterns after the grace period: if no fetch arrives
        // meanwhile, lostQuorum stays false until the returned time, so a leader that sleeps
        // until then cannot miss its resignation.
        LeaderState leader = leader(1, 2, 3, 4, 5);
        Random random = new Random(5);
        int checked = 0;
        for (long now = ELECTED_AT + CHECK_QUORUM_MS; now < ELECTED_AT + 60_000; now += 1 + random.nextInt(400)) {
            for (int voter = 2; voter <= 5; voter++) {
                if (random.nextInt(10) < 3) {
                    leader.updateReplica(voter, START, START, now);
                }
            }
            if (leader.lostQuorum(now, CHECK_QUORUM_MS)) {
                continue;
            }
            long next = leader.nextCheckQuorumMs(now, CHECK_QUORUM_MS);
            assertTrue(next > now);
            assertFalse(leader.lostQuorum(next - 1, CHECK_QUORUM_MS), "quorum lost before the next check at " + next);
            checked++;
        }
        assertTrue(checked > 50, "the pattern kept quorum often enough to test something: " + checked);
    }

    @Test
    void nextCheckQuorumDuringGraceIsNotAfterTheGraceEndsWhenNobodyFetched() {
        // Elected at 1000, nobody fetches: check-quorum fails at 1000 + 3000 = 4000, but a
        // leader that asks at 2000 is told to look again only at 2000 + 3000 = 5000.
        LeaderState leader = leader(1, 2, 3);
        long graceEnd = ELECTED_AT + CHECK_QUORUM_MS;
        assertTrue(leader.lostQuorum(graceEnd, CHECK_QUORUM_MS));
        long next = leader.nextCheckQuorumMs(ELECTED_AT + 1_000, CHECK_QUORUM_MS);
        assertTrue(next <= graceEnd, "next check at " + next + " but quorum is already lost at " + graceEnd);
    }

    @Test
    void preferredSuccessorsAreTheMostCaughtUpFirstThenById() {
        LeaderState leader = leader(1, 2, 3, 4, 5);
        leader.updateOwnEndOffset(200, ELECTED_AT);
        leader.updateReplica(2, 105, 120, ELECTED_AT);
        leader.updateReplica(4, 110, 120, ELECTED_AT);
        leader.updateReplica(3, 110, 120, ELECTED_AT);
        assertEquals(List.of(3, 4, 2, 5), leader.preferredSuccessors(), "never itself; 5 never fetched");
    }

    @Test
    void observersAreTrackedSeparatelyFromVoters() {
        LeaderState leader = leader(1, 2, 3);
        leader.updateReplica(10, 104, 110, ELECTED_AT);
        assertEquals(Set.of(10), leader.observerProgress().keySet());
        assertEquals(104, leader.observerProgress().get(10).endOffset());
        assertEquals(Set.of(1, 2, 3), leader.voterProgress().keySet());
    }

    @Test
    void observerTrackingIsBoundedAndForgetsTheLeastRecentlySeen() {
        LeaderState leader = leaderWithMaxObservers(2);
        leader.updateReplica(10, START, START, ELECTED_AT);
        leader.updateReplica(11, START, START, ELECTED_AT + 1);
        leader.updateReplica(10, START, START, ELECTED_AT + 2);
        leader.updateReplica(12, START, START, ELECTED_AT + 3);
        assertEquals(Set.of(10, 12), leader.observerProgress().keySet(), "11 was seen least recently");
        leader.updateReplica(13, START, START, ELECTED_AT + 4);
        assertEquals(Set.of(12, 13), leader.observerProgress().keySet());
    }

    @Test
    void manyObserversNeverPassTheBound() {
        LeaderState leader = leaderWithMaxObservers(3);
        Random random = new Random(11);
        for (int i = 0; i < 500; i++) {
            leader.updateReplica(100 + random.nextInt(20), START, START, ELECTED_AT + i);
            assertTrue(leader.observerProgress().size() <= 3);
        }
        assertEquals(Set.of(1, 2, 3), leader.voterProgress().keySet(), "voters are never evicted");
    }
}
