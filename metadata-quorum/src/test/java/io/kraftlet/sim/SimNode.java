package io.kraftlet.sim;

import io.kraftlet.log.MemoryRaftLog;
import io.kraftlet.log.MemorySnapshotStore;
import io.kraftlet.raft.AppendResult;
import io.kraftlet.raft.ElectionState;
import io.kraftlet.raft.ListenerEvent;
import io.kraftlet.raft.Outbound;
import io.kraftlet.raft.PlantedBug;
import io.kraftlet.raft.RaftEffects;
import io.kraftlet.raft.RaftNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One simulated process: its durable state (log, snapshots, persisted election state) outlives
 * crashes; its core and state machine do not. Plays the driver's part: carries out each
 * step's effects in the documented order.
 */
final class SimNode {
    final int id;
    final Simulation sim;
    final MemoryRaftLog log;
    final MemorySnapshotStore snapshots = new MemorySnapshotStore();
    ElectionState persisted = ElectionState.INITIAL;
    RaftNode core;
    SimStateMachine stateMachine;
    int incarnation;
    boolean paused;
    final List<Simulation.Event> held = new ArrayList<>();
    long nextWakeupMs = Long.MAX_VALUE;
    private String lastRole = "";

    // Checker bookkeeping, per incarnation where it concerns volatile state.
    long checkedUpTo;
    long lastHighWatermark;
    int lastLeaderEpochChecked;

    SimNode(int id, Simulation sim) {
        this.id = id;
        this.sim = sim;
        this.log = new MemoryRaftLog((offset, removed) -> sim.checker().beforeTruncate(this, offset, removed));
    }

    boolean up() {
        return core != null;
    }

    void start() {
        RaftNode.Builder builder = RaftNode.builder()
                .nodeId(id)
                .clusterId(Simulation.CLUSTER_ID)
                .config(Simulation.CONFIG)
                .voters(sim.voterSet())
                .log(log)
                .snapshots(snapshots)
                .electionState(persisted)
                .random(new Random(sim.schedule().seed() * 1_000_003L + id * 7919L + incarnation))
                .nowMs(sim.nowMs());
        for (PlantedBug bug : sim.bugs()) {
            builder.plantBugForTesting(bug);
        }
        core = builder.build();
        stateMachine = new SimStateMachine();
        checkedUpTo = 0;
        lastHighWatermark = 0;
        nextWakeupMs = Long.MAX_VALUE;
        apply(core.registerListener(0, sim.nowMs()));
    }

    /** Power cut: the unflushed tail is lost and every in-flight answer to us is void. */
    void crash() {
        log.crash();
        core = null;
        stateMachine = null;
        paused = false;
        held.clear();
        incarnation++;
        nextWakeupMs = Long.MAX_VALUE;
    }

    /** Graceful stop: everything appended is flushed first, so nothing is lost. */
    void stopGracefully() {
        if (log.flushUnderWay()) {
            log.completeFlush();
        }
        log.flush();
        crash();
    }

    /** Carries out one step's effects: persist, flush, send, deliver, then arm the timer. */
    void apply(RaftEffects effects) {
        sim.checker().afterStep(this);
        String role = core.state().toString();
        if (!role.equals(lastRole)) {
            if (core.state() instanceof io.kraftlet.raft.LeaderState || core.state() instanceof io.kraftlet.raft.CandidateState
                    || core.state() instanceof io.kraftlet.raft.ResignedState) {
                sim.trace("node " + id + " is now " + role);
            }
            lastRole = role;
        }
        effects.electionState().ifPresent(state -> {
            sim.checker().onPersist(this, state.epoch());
            persisted = state;
        });
        if (effects.flush()) {
            log.beginFlush();
            int flushIncarnation = incarnation;
            sim.schedule(sim.nowMs() + 1 + sim.random().nextInt(8), this, () -> {
                if (up() && incarnation == flushIncarnation) {
                    apply(core.handleFlushed(log.completeFlush(), sim.nowMs()));
                }
            });
        }
        for (Outbound outbound : effects.messages()) {
            sim.network().send(id, outbound.destination(), outbound.message());
        }
        for (ListenerEvent event : effects.listenerEvents()) {
            deliver(event);
        }
        for (AppendResult result : effects.appendResults()) {
            sim.client().onResult(this, result);
        }
        maybeSnapshot();
        if (up() && effects.wakeupAtMs() < nextWakeupMs) {
            nextWakeupMs = effects.wakeupAtMs();
            long at = nextWakeupMs;
            int wakeIncarnation = incarnation;
            sim.schedule(at, this, () -> {
                if (up() && incarnation == wakeIncarnation && nextWakeupMs == at) {
                    nextWakeupMs = Long.MAX_VALUE;
                    apply(core.tick(sim.nowMs()));
                }
            });
        }
    }

    private void deliver(ListenerEvent event) {
        String where = "node " + id;
        if (event instanceof ListenerEvent.Commit commit) {
            stateMachine.applyCommit(commit.batch(), where);
        } else if (event instanceof ListenerEvent.LoadSnapshot load) {
            stateMachine.load(load.snapshot());
        } else if (event instanceof ListenerEvent.LeaderChange change) {
            if (change.leader().isLeader(id) && stateMachine.nextOffset < core.highWatermark()) {
                throw new InvariantViolation("LeaderNotifiedCaughtUp", where + " was told it leads epoch "
                        + change.leader().epoch() + " before applying up to the high watermark");
            }
            if (!change.leader().equals(stateMachine.leader)) {
                sim.trace("node " + id + " listener: leader is " + change.leader());
            }
            stateMachine.leader = change.leader();
        }
    }

    private void maybeSnapshot() {
        if (!up() || stateMachine.recordsSinceSnapshot < sim.schedule().snapshotEvery()) {
            return;
        }
        long endOffset = stateMachine.nextOffset;
        if (endOffset <= log.startOffset() || endOffset > core.highWatermark()) {
            return;
        }
        stateMachine.recordsSinceSnapshot = 0;
        sim.trace("node " + id + " snapshots at offset " + endOffset);
        apply(core.createSnapshot(endOffset, stateMachine.snapshot(), sim.nowMs()));
    }

    @Override
    public String toString() {
        return "node " + id + (up() ? " " + core.state() + " hw=" + core.highWatermark() : " down")
                + " log=[" + log.startOffset() + "," + log.endOffset() + ") durable=" + log.durableEndOffset();
    }
}
