package io.kraftlet.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.quicktheories.QuickTheory.qt;

import io.kraftlet.controller.ControllerPlantedBug;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The deterministic simulation of whole clusters (controllers and brokers) under generated
 * fault schedules, with an admin workload and leader agents proposing ISR changes. Every
 * Controller invariant of DESIGN §6 is checked after every event; liveness once the faults
 * heal. A failure prints the seed, the shrunk schedule and a one-line replay command.
 *
 * <p>{@code -Dkraftlet.sim.controller.schedules=N} sets the number of schedules (see
 * {@link #DEFAULT_SCHEDULES}, 5,000 with {@code -Psoak}); {@code -Dkraftlet.sim.seed=S} picks
 * other schedules.
 */
class ControllerSimulationTest {
    /** Sized so this class runs in well under a minute on two cores. */
    static final int DEFAULT_SCHEDULES = 400;

    static int scheduleCount() {
        String value = System.getProperty("kraftlet.sim.controller.schedules", "");
        return value.isBlank() ? DEFAULT_SCHEDULES : Integer.parseInt(value.trim());
    }

    @Test
    void generatedSchedulesKeepEveryControllerInvariant() {
        AtomicLong runs = new AtomicLong();
        AtomicLong events = new AtomicLong();
        AtomicLong checks = new AtomicLong();
        AtomicLong images = new AtomicLong();
        AtomicLong changes = new AtomicLong();
        AtomicLong elections = new AtomicLong();
        AtomicLong unclean = new AtomicLong();
        AtomicLong preferred = new AtomicLong();
        AtomicLong adminSent = new AtomicLong();
        AtomicLong adminSucceeded = new AtomicLong();
        AtomicLong alterSent = new AtomicLong();
        AtomicLong alterAccepted = new AtomicLong();
        AtomicLong alterRefused = new AtomicLong();
        long startNanos = System.nanoTime();
        qt().withFixedSeed(RaftSimulationTest.generatorSeed())
                .withExamples(scheduleCount())
                .withShrinkCycles(300)
                .forAll(ControllerScheduleGenerator.schedules())
                .checkAssert(schedule -> {
                    ControllerSimulation.Result result = new ControllerSimulation(schedule, Set.of(), line -> { }).run();
                    runs.incrementAndGet();
                    events.addAndGet(result.events());
                    checks.addAndGet(result.checks());
                    images.addAndGet(result.imagesChecked());
                    changes.addAndGet(result.partitionChangesChecked());
                    elections.addAndGet(result.elections());
                    unclean.addAndGet(result.uncleanElections());
                    preferred.addAndGet(result.preferredElections());
                    adminSent.addAndGet(result.adminRequests());
                    adminSucceeded.addAndGet(result.adminSucceeded());
                    alterSent.addAndGet(result.alterPartitionsSent());
                    alterAccepted.addAndGet(result.alterPartitionsAccepted());
                    alterRefused.addAndGet(result.alterPartitionsRefusedByOracle());
                });
        System.out.printf("controller simulation: %d schedules in %.1f s, %d events, %d invariant checks, "
                        + "%d images checked, %d partition changes checked (%d elections: %d unclean, %d preferred), "
                        + "%d admin requests (%d answered without NOT_CONTROLLER), %d AlterPartition requests sent "
                        + "(%d proposals accepted, %d found invalid by the oracle and refused)%n",
                runs.get(), (System.nanoTime() - startNanos) / 1e9, events.get(), checks.get(), images.get(),
                changes.get(), elections.get(), unclean.get(), preferred.get(), adminSent.get(), adminSucceeded.get(),
                alterSent.get(), alterAccepted.get(), alterRefused.get());
        assertEquals(scheduleCount(), runs.get());
        if (scheduleCount() >= DEFAULT_SCHEDULES) {
            assertTrue(elections.get() > 0 && unclean.get() > 0 && preferred.get() > 0,
                    "the workload must exercise clean, unclean and preferred elections");
            assertTrue(alterAccepted.get() > 0 && alterRefused.get() > 0,
                    "AlterPartition must be both accepted and refused");
        }
    }

    /**
     * Found by this simulation: a broker began a controlled shutdown, the active controller lost
     * its quorum, and the next active controller started the broker's session afresh without
     * the shutdown's offset, so it never let the broker stop (fixed in
     * {@code ClusterControlManager.activate}).
     */
    @Test
    void controlledShutdownFinishesAfterControllerFailover() {
        ControllerSchedule schedule = ControllerSchedule.decode("384513153848012224;4;3;130;56;163:RESTART:1:0:55,"
                + "178:RESTART:0:0:1,309:PAUSE:3:0:6,424:PAUSE:1:0:42,648:PAUSE:0:0:18,787:RESTART:0:9:107,"
                + "1278:DELAY:5:0:188,1299:PAUSE:1:0:942,1443:SHUTDOWN:7:0:3,1682:SHUTDOWN:0:0:20,1749:ONE_WAY:1:0:319,"
                + "2430:CRASH:0:0:81,2549:CRASH:2:1:11,2706:SHUTDOWN:0:0:84,2860:CRASH:0:0:181,2893:CRASH:0:0:57,"
                + "5553:CRASH:0:0:4,6280:CRASH:0:0:2,9428:CRASH:1:0:93");
        StringBuilder trace = new StringBuilder();
        new ControllerSimulation(schedule, Set.of(), line -> trace.append(line).append('\n')).run();
        assertTrue(trace.indexOf("broker 7 stops cleanly (SHUTDOWN_NOW") >= 0,
                "broker 7 must be let go after its controlled shutdown");
    }

    /** Replays one schedule given as {@code -Dkraftlet.sim.controller.replay=<encoded schedule>}, with its trace. */
    @Test
    void replay() {
        String encoded = System.getProperty("kraftlet.sim.controller.replay", "");
        assumeFalse(encoded.isBlank(), "set -Dkraftlet.sim.controller.replay=<schedule> to replay one");
        // -Dkraftlet.sim.controller.bugs=A,B replays with planted bugs, to study what ControllerPlantedBugTest caught.
        Set<ControllerPlantedBug> bugs = new HashSet<>();
        for (String bug : System.getProperty("kraftlet.sim.controller.bugs", "").split(",")) {
            if (!bug.isBlank()) {
                bugs.add(ControllerPlantedBug.valueOf(bug.trim()));
            }
        }
        ControllerSimulation.Result result = new ControllerSimulation(ControllerSchedule.decode(encoded), bugs,
                System.out::println).run();
        System.out.println("replay passed: " + result);
    }

    @Test
    void sameScheduleRunsIdentically() {
        ControllerSchedule schedule = new ControllerSchedule(42, 3, 4, 200, 50, List.of(
                new FaultStep(2_000, FaultStep.Kind.CRASH, 0, 0, 0),
                new FaultStep(3_000, FaultStep.Kind.SHUTDOWN, 5, 0, 500),
                new FaultStep(4_000, FaultStep.Kind.CRASH, 6, 0, 0),
                new FaultStep(5_000, FaultStep.Kind.DROP, 0, 0, 200),
                new FaultStep(6_000, FaultStep.Kind.PARTITION, 7, 1, 2000),
                new FaultStep(7_000, FaultStep.Kind.RESTART, 0, 0, 0),
                new FaultStep(8_000, FaultStep.Kind.RESTART, 6, 0, 0)));
        StringBuilder first = new StringBuilder();
        StringBuilder second = new StringBuilder();
        ControllerSimulation.Result a = new ControllerSimulation(schedule, Set.of(),
                line -> first.append(line).append('\n')).run();
        ControllerSimulation.Result b = new ControllerSimulation(schedule, Set.of(),
                line -> second.append(line).append('\n')).run();
        assertEquals(a, b);
        assertEquals(first.toString(), second.toString());
        assertEquals(schedule, ControllerSchedule.decode(schedule.encode()));
        assertTrue(a.adminSucceeded() > 0 && a.partitionChangesChecked() > 0, "the workload must do something: " + a);
        assertTrue(first.indexOf("broker 4 stops cleanly (SHUTDOWN_NOW") >= 0, "broker 4 shuts down in a controlled way");
        assertTrue(first.indexOf("broker 5 starts, incarnation") >= 0, "broker 5 comes back as a new incarnation");
    }
}
