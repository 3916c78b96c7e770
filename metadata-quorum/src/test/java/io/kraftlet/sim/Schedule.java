package io.kraftlet.sim;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One simulation run: the seed of every random choice the run makes (timeouts, message
 * delays, workload), the cluster shape, the workload rate and the fault schedule. Faults end
 * by {@link #faultHorizonMs}; then everything heals and liveness is judged.
 *
 * <p>{@link #encode()} gives a one-line form; {@link #replayCommand()} a command that runs
 * exactly this schedule again.
 */
public record Schedule(long seed, int voters, int observers, int appendIntervalMs, int snapshotEvery,
        List<FaultStep> steps) {
    /** Faults happen before this simulated time; afterwards the cluster heals. */
    public static final long FAULT_HORIZON_MS = 12_000;

    public Schedule {
        if (voters < 1 || voters > 5 || observers < 0 || observers > 3) {
            throw new IllegalArgumentException("1-5 voters and 0-3 observers, got " + voters + "/" + observers);
        }
        List<FaultStep> sorted = new ArrayList<>(steps);
        sorted.sort(Comparator.comparingLong(FaultStep::atMs));
        steps = List.copyOf(sorted);
    }

    public long faultHorizonMs() {
        return FAULT_HORIZON_MS;
    }

    public String encode() {
        StringBuilder text = new StringBuilder();
        text.append(seed).append(';').append(voters).append(';').append(observers).append(';')
                .append(appendIntervalMs).append(';').append(snapshotEvery).append(';');
        for (int i = 0; i < steps.size(); i++) {
            text.append(i == 0 ? "" : ",").append(steps.get(i).encode());
        }
        return text.toString();
    }

    public static Schedule decode(String text) {
        String[] parts = text.trim().split(";", -1);
        if (parts.length != 6) {
            throw new IllegalArgumentException("a schedule is seed;voters;observers;appendIntervalMs;snapshotEvery;steps, got '"
                    + text + "'");
        }
        List<FaultStep> steps = new ArrayList<>();
        if (!parts[5].isEmpty()) {
            for (String step : parts[5].split(",")) {
                steps.add(FaultStep.decode(step));
            }
        }
        return new Schedule(Long.parseLong(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]),
                Integer.parseInt(parts[3]), Integer.parseInt(parts[4]), steps);
    }

    public String replayCommand() {
        return "mvn -B test -pl metadata-quorum -am -Dsurefire.failIfNoSpecifiedTests=false "
                + "-Dtest=RaftSimulationTest#replay '-Dkraftlet.sim.replay=" + encode() + "'";
    }

    @Override
    public String toString() {
        return "Schedule[" + encode() + "]\n  replay: " + replayCommand();
    }
}
