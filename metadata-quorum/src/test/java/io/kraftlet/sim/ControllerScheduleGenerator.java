package io.kraftlet.sim;

import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.List;
import org.quicktheories.core.Gen;

/**
 * QuickTheories generators of controller simulation schedules. Like {@link ScheduleGenerator},
 * a schedule is built only from integers, longs and lists, so a failing one shrinks toward
 * fewer, earlier, simpler faults while the seed keeps every other random choice repeatable.
 */
public final class ControllerScheduleGenerator {
    private static final int MAX_STEPS = 40;
    /** Node indexes 0-4 pick a controller, 5-9 a broker (see {@link ControllerSchedule#nodeIndex}). */
    private static final int MAX_NODE_INDEX = 2 * ControllerSchedule.CONTROLLER_INDEXES - 1;
    /**
     * The fault kinds this simulation injects, the ones that stop or cut off a process twice
     * as often as the others. FOREIGN (identity fencing of Raft requests) is the quorum
     * simulation's business and is left out.
     */
    static final FaultStep.Kind[] KINDS = {
        FaultStep.Kind.CRASH, FaultStep.Kind.CRASH, FaultStep.Kind.RESTART, FaultStep.Kind.RESTART,
        FaultStep.Kind.SHUTDOWN, FaultStep.Kind.SHUTDOWN, FaultStep.Kind.PAUSE, FaultStep.Kind.PAUSE,
        FaultStep.Kind.ISOLATE, FaultStep.Kind.ISOLATE, FaultStep.Kind.PARTITION, FaultStep.Kind.ONE_WAY,
        FaultStep.Kind.HEAL, FaultStep.Kind.DROP, FaultStep.Kind.DUPLICATE, FaultStep.Kind.DELAY
    };

    private ControllerScheduleGenerator() {
    }

    /** Schedules over 1-5 controllers and 2-5 brokers with up to 40 faults. */
    public static Gen<ControllerSchedule> schedules() {
        Gen<int[]> shape = integers().between(1, 5).zip(integers().between(2, 5), integers().between(50, 300),
                integers().between(20, 200), (controllers, brokers, adminInterval, snapshotEvery) ->
                        new int[] {controllers, brokers, adminInterval, snapshotEvery});
        Gen<List<FaultStep>> steps = lists().of(faultSteps()).ofSizeBetween(0, MAX_STEPS);
        return longs().all().zip(shape, steps, (seed, s, faultSteps) ->
                new ControllerSchedule(seed, s[0], s[1], s[2], s[3], faultSteps));
    }

    static Gen<FaultStep> faultSteps() {
        return longs().between(0, ControllerSchedule.FAULT_HORIZON_MS - 1).zip(integers().between(0, KINDS.length - 1),
                integers().between(0, MAX_NODE_INDEX), integers().between(0, MAX_NODE_INDEX),
                integers().between(1, 3000),
                (atMs, kind, node, peer, amount) -> new FaultStep(atMs, KINDS[kind], node, peer, amount));
    }
}
