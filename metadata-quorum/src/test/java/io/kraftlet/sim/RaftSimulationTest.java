package io.kraftlet.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.quicktheories.QuickTheory.qt;

import io.kraftlet.raft.PlantedBug;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The deterministic simulation of whole quorums under generated fault schedules. Every Quorum
 * invariant of DESIGN §6 is checked after every event; liveness once the faults heal. A
 * failure prints the seed, the shrunk schedule and a one-line replay command.
 *
 * <p>{@code -Dkraftlet.sim.schedules=N} sets the number of schedules (500 by default, 20,000
 * with {@code -Psoak}); {@code -Dkraftlet.sim.seed=S} picks other schedules.
 */
class RaftSimulationTest {
    static final long DEFAULT_GENERATOR_SEED = 20261125L;

    static long generatorSeed() {
        return Long.getLong("kraftlet.sim.seed", DEFAULT_GENERATOR_SEED);
    }

    static int scheduleCount() {
        String value = System.getProperty("kraftlet.sim.schedules", "");
        return value.isBlank() ? 500 : Integer.parseInt(value.trim());
    }

    @Test
    void generatedSchedulesKeepEveryQuorumInvariant() {
        AtomicLong runs = new AtomicLong();
        AtomicLong events = new AtomicLong();
        AtomicLong checks = new AtomicLong();
        AtomicLong commits = new AtomicLong();
        qt().withFixedSeed(generatorSeed())
                .withExamples(scheduleCount())
                .withShrinkCycles(2000)
                .forAll(ScheduleGenerator.schedules())
                .checkAssert(schedule -> {
                    Simulation.Result result = new Simulation(schedule, Set.of(), line -> { }).run();
                    assertTrue(result.events() >= Simulation.MIN_EVENTS,
                            "a schedule must run at least " + Simulation.MIN_EVENTS + " events, ran " + result.events());
                    runs.incrementAndGet();
                    events.addAndGet(result.events());
                    checks.addAndGet(result.checks());
                    commits.addAndGet(result.committedAppends());
                });
        System.out.printf("simulation: %d schedules, %d events, %d invariant checks, %d appends committed%n",
                runs.get(), events.get(), checks.get(), commits.get());
        assertEquals(scheduleCount(), runs.get());
        assertTrue(commits.get() > 0, "the workload must commit something");
    }

    /** Replays one schedule given as {@code -Dkraftlet.sim.replay=<encoded schedule>}, with its trace. */
    @Test
    void replay() {
        String encoded = System.getProperty("kraftlet.sim.replay", "");
        assumeFalse(encoded.isBlank(), "set -Dkraftlet.sim.replay=<schedule> to replay one");
        // -Dkraftlet.sim.bugs=A,B replays with planted bugs, to study what a *PlantedBugTest caught.
        Set<PlantedBug> bugs = new HashSet<>();
        for (String bug : System.getProperty("kraftlet.sim.bugs", "").split(",")) {
            if (!bug.isBlank()) {
                bugs.add(PlantedBug.valueOf(bug.trim()));
            }
        }
        Simulation.Result result = new Simulation(Schedule.decode(encoded), bugs, System.out::println).run();
        System.out.println("replay passed: " + result);
    }

    @Test
    void sameScheduleRunsIdentically() {
        Schedule schedule = new Schedule(42, 3, 1, 10, 50, java.util.List.of(
                new FaultStep(2_000, FaultStep.Kind.CRASH, 0, 0, 0),
                new FaultStep(3_000, FaultStep.Kind.DROP, 0, 0, 200),
                new FaultStep(5_000, FaultStep.Kind.RESTART, 0, 0, 0)));
        StringBuilder first = new StringBuilder();
        StringBuilder second = new StringBuilder();
        Simulation.Result a = new Simulation(schedule, Set.of(), line -> first.append(line).append('\n')).run();
        Simulation.Result b = new Simulation(schedule, Set.of(), line -> second.append(line).append('\n')).run();
        assertEquals(a, b);
        assertEquals(first.toString(), second.toString());
        assertEquals(schedule, Schedule.decode(schedule.encode()));
    }
}
