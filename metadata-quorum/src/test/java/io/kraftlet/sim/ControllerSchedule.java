package io.kraftlet.sim;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One run of the controller simulation: the seed of every random choice (timeouts, message
 * delays, the admin workload, leader agents, placement), the cluster shape (1-5 controllers,
 * 2-5 brokers), how often the admin client sends a request, how often each node snapshots its
 * metadata image, and the fault schedule. Faults reuse {@link FaultStep}, so the same kinds
 * crash, stop, pause and partition brokers too: its {@code node} and {@code peer} pick a
 * controller when below {@link #CONTROLLER_INDEXES}, else a broker (see {@link #nodeIndex}),
 * so half of the faults hit brokers whatever the cluster's shape. Unlike in the quorum
 * simulation, PARTITION, ONE_WAY and ISOLATE cuts last {@code amount} ms (or until a HEAL), so
 * the cluster works between cuts instead of staying cut off until the end. Faults end by
 * {@link #faultHorizonMs}; then everything heals and liveness is judged.
 *
 * <p>{@link #encode()} gives a one-line form; {@link #replayCommand()} a command that runs
 * exactly this schedule again.
 */
public record ControllerSchedule(long seed, int controllers, int brokers, int adminIntervalMs, int snapshotEvery,
        List<FaultStep> steps) {
    /** Faults happen before this simulated time; afterwards the cluster heals. */
    public static final long FAULT_HORIZON_MS = 15_000;
    /** Fault node indexes below this pick a controller, the others a broker. */
    public static final int CONTROLLER_INDEXES = 5;

    public ControllerSchedule {
        if (controllers < 1 || controllers > 5 || brokers < 2 || brokers > 5) {
            throw new IllegalArgumentException("1-5 controllers and 2-5 brokers, got " + controllers + "/" + brokers);
        }
        if (adminIntervalMs < 1 || snapshotEvery < 1) {
            throw new IllegalArgumentException("admin interval and snapshot interval must be positive");
        }
        List<FaultStep> sorted = new ArrayList<>(steps);
        sorted.sort(Comparator.comparingLong(FaultStep::atMs));
        steps = List.copyOf(sorted);
    }

    public long faultHorizonMs() {
        return FAULT_HORIZON_MS;
    }

    public int nodeCount() {
        return controllers + brokers;
    }

    /**
     * The position, in the list of nodes (controllers, then brokers), of the node a fault step's
     * index names: indexes below {@link #CONTROLLER_INDEXES} pick controller {@code index mod
     * controllers}, the others broker {@code (index - CONTROLLER_INDEXES) mod brokers}.
     */
    public int nodeIndex(int index) {
        int i = Math.floorMod(index, 2 * CONTROLLER_INDEXES);
        return i < CONTROLLER_INDEXES ? i % controllers : controllers + (i - CONTROLLER_INDEXES) % brokers;
    }

    public String encode() {
        StringBuilder text = new StringBuilder();
        text.append(seed).append(';').append(controllers).append(';').append(brokers).append(';')
                .append(adminIntervalMs).append(';').append(snapshotEvery).append(';');
        for (int i = 0; i < steps.size(); i++) {
            text.append(i == 0 ? "" : ",").append(steps.get(i).encode());
        }
        return text.toString();
    }

    public static ControllerSchedule decode(String text) {
        String[] parts = text.trim().split(";", -1);
        if (parts.length != 6) {
            throw new IllegalArgumentException("a controller schedule is "
                    + "seed;controllers;brokers;adminIntervalMs;snapshotEvery;steps, got '" + text + "'");
        }
        List<FaultStep> steps = new ArrayList<>();
        if (!parts[5].isEmpty()) {
            for (String step : parts[5].split(",")) {
                steps.add(FaultStep.decode(step));
            }
        }
        return new ControllerSchedule(Long.parseLong(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]),
                Integer.parseInt(parts[3]), Integer.parseInt(parts[4]), steps);
    }

    public String replayCommand() {
        return "mvn -B test -pl metadata-quorum -am -Dsurefire.failIfNoSpecifiedTests=false "
                + "-Dtest=ControllerSimulationTest#replay '-Dkraftlet.sim.controller.replay=" + encode() + "'";
    }

    @Override
    public String toString() {
        return "ControllerSchedule[" + encode() + "]\n  replay: " + replayCommand();
    }
}
