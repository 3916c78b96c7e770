package io.kraftlet.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;

import io.kraftlet.controller.ControllerPlantedBug;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Shows the controller simulation's checkers bite: each test plants one controller bug in
 * every controller and asserts that a budget of generated schedules finds it, reported as a
 * violation of the invariant that bug breaks.
 */
class ControllerPlantedBugTest {
    private static final int BUDGET = 100;

    @Test
    void fencedBrokerLeftInIsrIsCaught() {
        assertCaught(ControllerPlantedBug.FENCED_BROKER_LEFT_IN_ISR, "NoFencedBrokerInIsr");
    }

    @Test
    void electionOutsideIsrIsCaught() {
        assertCaught(ControllerPlantedBug.ELECTION_OUTSIDE_ISR, "CleanElection");
    }

    @Test
    void uncleanPreferredElectionIsCaught() {
        // With a live leader the checker knows the election was PREFERRED; from a leaderless
        // partition it sees a leader from outside the ISR, which no clean election may pick.
        assertCaught(ControllerPlantedBug.PREFERRED_ELECTION_UNCLEAN, "PreferredElectionNeverUnclean", "CleanElection");
    }

    private static void assertCaught(ControllerPlantedBug bug, String... acceptableInvariants) {
        AssertionError caught = null;
        try {
            qt().withFixedSeed(RaftSimulationTest.generatorSeed())
                    .withExamples(BUDGET)
                    .withShrinkCycles(20)
                    .forAll(ControllerScheduleGenerator.schedules())
                    .checkAssert(schedule -> new ControllerSimulation(schedule, Set.of(bug), line -> { }).run());
        } catch (AssertionError failure) {
            caught = failure;
        }
        if (caught == null) {
            fail("planted bug " + bug + " survived " + BUDGET + " schedules: the checker does not bite");
        }
        String report = String.valueOf(caught.getMessage());
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
