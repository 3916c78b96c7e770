package io.kraftlet.sim;

import static org.quicktheories.QuickTheory.qt;

import io.kraftlet.replication.ReplicationPlantedBug;
import java.util.Set;

/** Runs generated schedules with one planted replication bug; returns the violation report, or null if none. */
final class ReplicationPlantedBugProbe {
    private ReplicationPlantedBugProbe() {
    }

    static String firstViolation(ReplicationPlantedBug bug, int budget) {
        try {
            qt().withFixedSeed(RaftSimulationTest.generatorSeed())
                    .withExamples(budget)
                    .withShrinkCycles(20)
                    .forAll(ReplicationScheduleGenerator.schedules())
                    .checkAssert(schedule -> new ReplicationSimulation(schedule, false, Set.of(bug), line -> { }).run());
        } catch (AssertionError failure) {
            return String.valueOf(failure.getMessage());
        }
        return null;
    }
}
