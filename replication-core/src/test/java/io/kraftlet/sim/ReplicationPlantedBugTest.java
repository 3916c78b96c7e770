package io.kraftlet.sim;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kraftlet.replication.ReplicationPlantedBug;
import org.junit.jupiter.api.Test;

/**
 * Shows the replication simulation's checkers bite: each test plants one bug of
 * {@link ReplicationPlantedBug} in every replica manager and asserts that a budget of generated
 * schedules finds it, as a violation of the invariant that bug breaks.
 *
 * <p>Caught reliably (within a few schedules): ACK_BEFORE_HIGH_WATERMARK and
 * HW_ADVANCE_UNDER_MIN_ISR. Not caught within {@value #SURVEY_BUDGET} schedules:
 * HW_FROM_STALE_EPOCH_FETCH (the leader's diverging-epoch check still guards the follower's
 * log, so the stale offset it counts is one the follower holds) and EXPAND_BEFORE_EPOCH_START
 * (it needs a follower outside the ISR whose log ends between a new leader's lagging HW and
 * its epoch start, then that leader's loss): {@link #survey} (opt in with
 * {@code -Dkraftlet.sim.replication.survey=true}) shows the state of all four.
 */
class ReplicationPlantedBugTest {
    private static final int BUDGET = 40;
    private static final int SURVEY_BUDGET = 60;

    @Test
    void ackBeforeHighWatermarkIsCaught() {
        assertCaught(ReplicationPlantedBug.ACK_BEFORE_HIGH_WATERMARK, "AcksAllAfterHighWatermark");
    }

    @Test
    void highWatermarkAdvanceUnderMinIsrIsCaught() {
        assertCaught(ReplicationPlantedBug.HW_ADVANCE_UNDER_MIN_ISR, "NoHwAdvanceUnderMinIsr", "NoAcksAllUnderMinIsr");
    }

    @Test
    void survey() {
        assumeTrue(Boolean.getBoolean("kraftlet.sim.replication.survey"), "opt in with -Dkraftlet.sim.replication.survey=true");
        for (ReplicationPlantedBug bug : ReplicationPlantedBug.values()) {
            String report = ReplicationPlantedBugProbe.firstViolation(bug, SURVEY_BUDGET);
            System.out.println("planted bug " + bug + ": " + (report == null ? "not caught in " + SURVEY_BUDGET + " schedules"
                    : report.lines().filter(line -> line.contains("violated")).findFirst().orElse(report)));
        }
    }

    private static void assertCaught(ReplicationPlantedBug bug, String... acceptableInvariants) {
        String report = ReplicationPlantedBugProbe.firstViolation(bug, BUDGET);
        assertNotNull(report, "planted bug " + bug + " survived " + BUDGET + " schedules: the checker does not bite");
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
