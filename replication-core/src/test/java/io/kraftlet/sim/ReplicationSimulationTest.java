package io.kraftlet.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.quicktheories.QuickTheory.qt;

import io.kraftlet.replication.ReplicationPlantedBug;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The whole-cluster replication simulation (issue 5) under generated fault schedules: real
 * replica managers in every broker, producers and consumers of a three-replica topic with
 * min.insync.replicas=2, the Replication invariants of DESIGN §6 after every event and the
 * history check at the end; once with unclean leader election off, once (fewer schedules) on.
 * A failure prints the seed, the shrunk schedule, the trace tail and a replay command.
 *
 * <p>{@code -Dkraftlet.sim.replication.schedules=N} sets the number of schedules of the first
 * run ({@link #DEFAULT_SCHEDULES}; the second runs a quarter as many); {@code -Psoak} raises it.
 */
class ReplicationSimulationTest {
    /** Sized so this class runs in about 30 s on two quiet cores (about a minute under load). */
    static final int DEFAULT_SCHEDULES = 400;

    static int scheduleCount() {
        String value = System.getProperty("kraftlet.sim.replication.schedules", "");
        return value.isBlank() ? DEFAULT_SCHEDULES : Integer.parseInt(value.trim());
    }

    @Test
    void generatedSchedulesKeepEveryReplicationInvariant() {
        runMany(scheduleCount(), false);
    }

    @Test
    void generatedSchedulesWithUncleanElectionsNeverLoseSilently() {
        runMany(Math.max(1, scheduleCount() / 4), true);
    }

    private static void runMany(int schedules, boolean unclean) {
        AtomicLong runs = new AtomicLong();
        AtomicLong events = new AtomicLong();
        AtomicLong checks = new AtomicLong();
        AtomicLong produces = new AtomicLong();
        AtomicLong acksAll = new AtomicLong();
        AtomicLong acksOne = new AtomicLong();
        AtomicLong reads = new AtomicLong();
        AtomicLong truncations = new AtomicLong();
        AtomicLong uncleanReports = new AtomicLong();
        AtomicLong elections = new AtomicLong();
        AtomicLong lost = new AtomicLong();
        AtomicLong alterSent = new AtomicLong();
        AtomicLong alterAccepted = new AtomicLong();
        long startNanos = System.nanoTime();
        qt().withFixedSeed(RaftSimulationTest.generatorSeed() + (unclean ? 1 : 0))
                .withExamples(schedules)
                .withShrinkCycles(100)
                .forAll(ReplicationScheduleGenerator.schedules())
                .checkAssert(schedule -> {
                    ReplicationSimulation.Result result = new ReplicationSimulation(schedule, unclean, Set.of(),
                            line -> { }).run();
                    runs.incrementAndGet();
                    events.addAndGet(result.controller().events());
                    checks.addAndGet(result.replicationChecks() + result.controller().checks());
                    produces.addAndGet(result.produceRequests());
                    acksAll.addAndGet(result.acksAllAcked());
                    acksOne.addAndGet(result.acksOneAcked());
                    reads.addAndGet(result.recordsRead());
                    truncations.addAndGet(result.truncations());
                    uncleanReports.addAndGet(result.uncleanReports());
                    elections.addAndGet(result.controller().elections());
                    lost.addAndGet(result.lostAfterReportedUncleanElection());
                    alterSent.addAndGet(result.controller().alterPartitionsSent());
                    alterAccepted.addAndGet(result.controller().alterPartitionsAccepted());
                });
        System.out.printf("replication simulation (unclean %s): %d schedules in %.1f s, %d events, %d invariant checks, "
                        + "%d produce requests (%d acks=all and %d acks=1 acknowledged), %d records read, "
                        + "%d truncations, %d elections, %d unclean leaderships/truncations reported, %d acknowledged or read "
                        + "records lost (each after a reported unclean leadership), %d AlterPartition requests from replica "
                        + "managers (%d proposals accepted)%n",
                unclean ? "on" : "off", runs.get(), (System.nanoTime() - startNanos) / 1e9, events.get(), checks.get(),
                produces.get(), acksAll.get(), acksOne.get(), reads.get(), truncations.get(), elections.get(),
                uncleanReports.get(), lost.get(), alterSent.get(), alterAccepted.get());
        assertEquals(schedules, runs.get());
        assertTrue(acksAll.get() > 0 && acksOne.get() > 0 && reads.get() > 0, "the clients must get work done");
        assertTrue(alterAccepted.get() > 0, "the replica managers must change ISRs");
        if (!unclean) {
            assertEquals(0, lost.get() + uncleanReports.get(), "no unclean leadership without unclean elections");
        }
    }

    /**
     * Replays one schedule given as {@code -Dkraftlet.sim.replication.replay=<encoded schedule>}
     * (with {@code -Dkraftlet.sim.replication.unclean=true} and {@code -Dkraftlet.sim.replication.bugs=A,B}
     * as the failure report says), printing its trace.
     */
    @Test
    void replay() {
        String encoded = System.getProperty("kraftlet.sim.replication.replay", "");
        assumeFalse(encoded.isBlank(), "set -Dkraftlet.sim.replication.replay=<schedule> to replay one");
        Set<ReplicationPlantedBug> bugs = new HashSet<>();
        for (String bug : System.getProperty("kraftlet.sim.replication.bugs", "").split(",")) {
            if (!bug.isBlank()) {
                bugs.add(ReplicationPlantedBug.valueOf(bug.trim()));
            }
        }
        boolean unclean = Boolean.parseBoolean(System.getProperty("kraftlet.sim.replication.unclean", "false"));
        ReplicationSimulation.Result result = new ReplicationSimulation(ControllerSchedule.decode(encoded), unclean, bugs,
                System.out::println).run();
        System.out.println("replay passed: " + result);
    }

    @Test
    void sameScheduleRunsIdentically() {
        ControllerSchedule schedule = new ControllerSchedule(42, 3, 4, 100, 50, List.of(
                new FaultStep(3_000, FaultStep.Kind.CRASH, 5, 0, 0),
                new FaultStep(4_000, FaultStep.Kind.PARTITION, 6, 7, 2000),
                new FaultStep(6_000, FaultStep.Kind.CRASH, 0, 0, 0),
                new FaultStep(7_000, FaultStep.Kind.RESTART, 5, 0, 0),
                new FaultStep(8_000, FaultStep.Kind.DROP, 0, 0, 200),
                new FaultStep(9_000, FaultStep.Kind.SHUTDOWN, 7, 0, 500)));
        StringBuilder first = new StringBuilder();
        StringBuilder second = new StringBuilder();
        ReplicationSimulation.Result a = new ReplicationSimulation(schedule, false, Set.of(),
                line -> first.append(line).append('\n')).run();
        ReplicationSimulation.Result b = new ReplicationSimulation(schedule, false, Set.of(),
                line -> second.append(line).append('\n')).run();
        assertEquals(a, b);
        assertEquals(first.toString(), second.toString());
        assertTrue(a.acksAllAcked() > 0 && a.recordsRead() > 0, "the clients must get work done: " + a);
    }
}
