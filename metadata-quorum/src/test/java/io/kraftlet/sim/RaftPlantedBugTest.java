package io.kraftlet.sim;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;

import io.kraftlet.raft.PlantedBug;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Shows the simulation's checkers bite: each test plants one protocol bug in every node and
 * asserts that the default budget of generated schedules finds it, reported as a violation of
 * the invariant that bug breaks.
 */
class RaftPlantedBugTest {
    private static final int BUDGET = 500;

    @Test
    void voteWithoutLogCheckBreaksLeaderCompleteness() {
        assertCaught(PlantedBug.VOTE_WITHOUT_LOG_CHECK, "LeaderCompleteness", "LogMatching", "NoTruncationBelowHW");
    }

    @Test
    void highWatermarkCountingObserversIsCaught() {
        assertCaught(PlantedBug.HW_COUNTS_OBSERVERS, "MajorityReachedHW");
    }

    @Test
    void missingOwnEpochCommitRuleIsCaught() {
        assertCaught(PlantedBug.NO_OWN_EPOCH_COMMIT_RULE, "OwnEpochCommit");
    }

    @Test
    void missingDivergenceCheckIsCaught() {
        // Without the check a follower's divergent tail stays: either it commits entries that
        // differ from the history, or the leader counts that follower toward the high watermark
        // although its log does not hold the leader's entries.
        assertCaught(PlantedBug.NO_DIVERGENCE_CHECK, "LogMatching", "MajorityReachedHW");
    }

    @Test
    void countingTheLeadersUnflushedTailIsCaught() {
        assertCaught(PlantedBug.HW_COUNTS_UNFLUSHED_LEADER, "MajorityReachedHW");
    }

    private static void assertCaught(PlantedBug bug, String... acceptableInvariants) {
        AssertionError caught = null;
        try {
            qt().withFixedSeed(RaftSimulationTest.generatorSeed())
                    .withExamples(BUDGET)
                    .withShrinkCycles(200)
                    .forAll(ScheduleGenerator.schedules())
                    .checkAssert(schedule -> new Simulation(schedule, Set.of(bug), line -> { }).run());
        } catch (AssertionError failure) {
            caught = failure;
        }
        if (caught == null) {
            fail("planted bug " + bug + " survived " + BUDGET + " schedules: the checker does not bite");
        }
        String report = String.valueOf(caught.getMessage());
        assertNotNull(report);
        boolean named = false;
        for (String invariant : acceptableInvariants) {
            named |= report.contains(invariant + " violated");
        }
        String firstLines = report.lines().limit(8).reduce("", (a, b) -> a + "\n" + b);
        assertTrue(named, bug + " was caught, but not as a violation of " + String.join("/", acceptableInvariants)
                + ":" + firstLines);
        System.out.println("planted bug " + bug + " caught:" + firstLines);
    }
}
