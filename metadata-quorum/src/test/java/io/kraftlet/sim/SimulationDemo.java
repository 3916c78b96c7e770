package io.kraftlet.sim;

import java.util.List;
import java.util.Set;

/**
 * The README's run command: a seeded simulation of a 3-voter quorum with one observer under a
 * fixed fault schedule, printing elections, faults, snapshots and what was checked.
 * {@code -Dkraftlet.demo.seed=S} picks another seed.
 */
public final class SimulationDemo {
    private SimulationDemo() {
    }

    public static void main(String[] args) {
        long seed = Long.getLong("kraftlet.demo.seed", 7L);
        Schedule schedule = new Schedule(seed, 3, 1, 20, 200, List.of(
                new FaultStep(2_500, FaultStep.Kind.CRASH, 0, 0, 0),
                new FaultStep(3_000, FaultStep.Kind.CRASH, 1, 0, 0),
                new FaultStep(4_500, FaultStep.Kind.RESTART, 0, 0, 0),
                new FaultStep(5_000, FaultStep.Kind.RESTART, 1, 0, 0),
                new FaultStep(6_000, FaultStep.Kind.ISOLATE, 2, 0, 0),
                new FaultStep(8_000, FaultStep.Kind.HEAL, 0, 0, 0),
                new FaultStep(8_500, FaultStep.Kind.DROP, 0, 0, 150),
                new FaultStep(9_000, FaultStep.Kind.PAUSE, 1, 0, 2_500),
                new FaultStep(10_000, FaultStep.Kind.SHUTDOWN, 0, 0, 500),
                new FaultStep(11_000, FaultStep.Kind.FOREIGN, 2, 0, 0)));
        System.out.println("kraftlet simulation demo: 3 voters (nodes 1-3) + 1 observer (node 4), seed " + seed);
        System.out.println("schedule: " + schedule.encode());
        Simulation.Result result = new Simulation(schedule, Set.of(), System.out::println).run();
        System.out.printf("%nresult: %d events over %d simulated ms; %d messages sent, %d lost; %d committed offsets;"
                + " %d client appends committed; final leader epoch %d%n", result.events(), result.simulatedMs(),
                result.messagesSent(), result.messagesDropped(), result.committedOffsets(), result.committedAppends(),
                result.leaderEpoch());
        System.out.printf("checked %d times, with no violation: ElectionSafety, MonotonicEpoch, MonotonicHW,"
                + " MajorityReachedHW, LogMatching (snapshots included), LeaderCompleteness, OwnEpochCommit,"
                + " NoTruncationBelowHW, SnapshotAtLogStart, IdentityFencing; liveness after healing.%n", result.checks());
    }
}
