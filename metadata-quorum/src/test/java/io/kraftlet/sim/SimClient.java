package io.kraftlet.sim;

import io.kraftlet.raft.AppendResult;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The workload: appends a few unique records every {@code appendIntervalMs} to the node it
 * believes leads, following NOT_LEADER hints. Checks that every append it made to a node that
 * stayed up was answered (liveness), and counts commits.
 */
final class SimClient {
    private record Outstanding(int nodeId, int incarnation, long sentAtMs) {
    }

    private final Simulation sim;
    private final Random random;
    private final Map<Long, Outstanding> outstanding = new HashMap<>();
    private long nextRequestId = 1;
    private int believedLeader = 1;
    private long committed;
    private long committedAfterHeal;
    private long lastAppendMs;
    private boolean stopped;

    SimClient(Simulation sim, Random random) {
        this.sim = sim;
        this.random = random;
    }

    void start() {
        sim.schedule(sim.schedule().appendIntervalMs(), null, this::appendOnce);
    }

    private void appendOnce() {
        long endMs = sim.schedule().faultHorizonMs() + Simulation.LIVENESS_WINDOW_MS - Simulation.DRAIN_MS;
        if (sim.nowMs() >= endMs && sim.eventCount() >= Simulation.MIN_EVENTS) {
            stopped = true;
            return;
        }
        SimNode target = sim.node(believedLeader);
        if (target == null || !target.up() || target.paused) {
            List<SimNode> up = new ArrayList<>();
            for (SimNode node : sim.nodes()) {
                if (node.up() && !node.paused) {
                    up.add(node);
                }
            }
            target = up.isEmpty() ? null : up.get(random.nextInt(up.size()));
        }
        if (target != null) {
            long requestId = nextRequestId++;
            List<byte[]> records = new ArrayList<>();
            int count = 1 + random.nextInt(3);
            for (int i = 0; i < count; i++) {
                byte[] record = new byte[16 + random.nextInt(100)];
                random.nextBytes(record);
                ByteBuffer.wrap(record).putLong(requestId).putInt(i);
                records.add(record);
            }
            outstanding.put(requestId, new Outstanding(target.id, target.incarnation, sim.nowMs()));
            lastAppendMs = sim.nowMs();
            target.apply(target.core.append(requestId, records, sim.nowMs()));
        }
        sim.schedule(sim.nowMs() + sim.schedule().appendIntervalMs(), null, this::appendOnce);
    }

    void onResult(SimNode node, AppendResult result) {
        Outstanding pending = outstanding.remove(result.requestId());
        if (pending == null || pending.nodeId() != node.id) {
            throw new InvariantViolation("AppendAnswered", "node " + node.id + " answered unknown or foreign append "
                    + result);
        }
        switch (result.status()) {
            case COMMITTED -> {
                committed++;
                if (sim.nowMs() > sim.schedule().faultHorizonMs()) {
                    committedAfterHeal++;
                }
            }
            case NOT_LEADER -> result.leader().leaderId().ifPresentOrElse(id -> believedLeader = id,
                    () -> believedLeader = 1 + random.nextInt(sim.voterCount()));
            case LEADERSHIP_LOST, BACK_PRESSURE -> believedLeader = 1 + random.nextInt(sim.voterCount());
            case INVALID_RECORDS -> throw new InvariantViolation("AppendAnswered", "valid records refused: " + result);
        }
    }

    /** The node crashed or stopped: its connections, and the answers they carried, are gone. */
    void forget(SimNode node) {
        outstanding.values().removeIf(pending -> pending.nodeId() == node.id && pending.incarnation() == node.incarnation);
    }

    boolean stoppedAndDrained(long atMs) {
        return stopped && atMs >= lastAppendMs + Simulation.DRAIN_MS;
    }

    long committed() {
        return committed;
    }

    void checkEveryAppendAnswered(long healedAtMs) {
        if (!outstanding.isEmpty()) {
            Map.Entry<Long, Outstanding> first = outstanding.entrySet().iterator().next();
            throw new InvariantViolation("Liveness", outstanding.size() + " appends never answered, e.g. request "
                    + first.getKey() + " to " + first.getValue());
        }
        if (committedAfterHeal == 0) {
            throw new InvariantViolation("Liveness", "no append committed after the cluster healed at " + healedAtMs + "ms");
        }
    }
}
