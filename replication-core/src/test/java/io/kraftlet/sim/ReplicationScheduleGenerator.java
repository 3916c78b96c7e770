package io.kraftlet.sim;

import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.List;
import org.quicktheories.core.Gen;

/**
 * QuickTheories generators of replication simulation schedules: controller schedules with
 * 1-3 controllers and 3-5 brokers (the topic has three replicas) and up to
 * {@value #MAX_STEPS} faults of the controller simulation's kinds, which shrink as theirs do.
 */
final class ReplicationScheduleGenerator {
    static final int MAX_STEPS = 25;

    private ReplicationScheduleGenerator() {
    }

    static Gen<ControllerSchedule> schedules() {
        Gen<int[]> shape = integers().between(1, 3).zip(integers().between(3, 5), integers().between(20, 200),
                (controllers, brokers, snapshotEvery) -> new int[] {controllers, brokers, snapshotEvery});
        Gen<List<FaultStep>> steps = lists().of(ControllerScheduleGenerator.faultSteps()).ofSizeBetween(0, MAX_STEPS);
        return longs().all().zip(shape, steps, (seed, s, faultSteps) ->
                new ControllerSchedule(seed, s[0], s[1], 100, s[2], faultSteps));
    }
}
