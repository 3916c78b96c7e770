package io.kraftlet.sim;

import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.List;
import org.quicktheories.core.Gen;

/**
 * QuickTheories generators of simulation schedules. A schedule is built only from integers,
 * longs and lists, so QuickTheories can shrink a failing one toward fewer, earlier, simpler
 * faults while the seed keeps every other random choice repeatable.
 */
public final class ScheduleGenerator {
    private static final int MAX_STEPS = 30;

    private ScheduleGenerator() {
    }

    /** Schedules over 1-5 voters and 0-3 observers with up to 30 faults. */
    public static Gen<Schedule> schedules() {
        return schedules(1, 5);
    }

    public static Gen<Schedule> schedules(int minVoters, int maxVoters) {
        Gen<int[]> shape = integers().between(minVoters, maxVoters).zip(integers().between(0, 3),
                integers().between(5, 50), integers().between(20, 300), (voters, observers, interval, snapshotEvery) ->
                        new int[] {voters, observers, interval, snapshotEvery});
        Gen<List<FaultStep>> steps = lists().of(faultSteps()).ofSizeBetween(0, MAX_STEPS);
        return longs().all().zip(shape, steps, (seed, s, faultSteps) ->
                new Schedule(seed, s[0], s[1], s[2], s[3], faultSteps));
    }

    static Gen<FaultStep> faultSteps() {
        FaultStep.Kind[] kinds = FaultStep.Kind.values();
        return longs().between(0, Schedule.FAULT_HORIZON_MS - 1).zip(integers().between(0, kinds.length - 1),
                integers().between(0, 7), integers().between(0, 7), integers().between(1, 3000),
                (atMs, kind, node, peer, amount) -> new FaultStep(atMs, kinds[kind], node, peer, amount));
    }
}
