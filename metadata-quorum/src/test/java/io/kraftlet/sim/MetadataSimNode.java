package io.kraftlet.sim;

import io.kraftlet.codec.MetadataRecordCodec;
import io.kraftlet.image.MetadataDelta;
import io.kraftlet.image.MetadataImage;
import io.kraftlet.image.MetadataLoader;
import io.kraftlet.log.MemoryRaftLog;
import io.kraftlet.log.MemorySnapshotStore;
import io.kraftlet.raft.AppendResult;
import io.kraftlet.raft.ElectionState;
import io.kraftlet.raft.LeaderAndEpoch;
import io.kraftlet.raft.ListenerEvent;
import io.kraftlet.raft.Outbound;
import io.kraftlet.raft.RaftEffects;
import io.kraftlet.raft.RaftNode;
import io.kraftlet.raft.message.RaftMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One simulated process of the controller simulation that follows the metadata log: a Raft
 * node (a voter for controllers, an observer for brokers) with its {@link MetadataLoader}.
 * Its durable state (log, snapshots, persisted election state) outlives crashes; everything
 * else does not. It plays the driver's part the way a real node does: carries out each Raft
 * step's effects in the documented order (persist, flush, send, deliver to the loader,
 * complete appends), then lets its own core ({@link #drainCore}) act on what it learned, and
 * feeds that core's appends back to Raft. Snapshots of the metadata image are taken now and
 * then with {@link MetadataRecordCodec#encodeSnapshot}.
 */
abstract class MetadataSimNode implements ControllerSimNetwork.Endpoint {
    final int id;
    final ControllerSimulation sim;
    final MemoryRaftLog log = new MemoryRaftLog();
    final MemorySnapshotStore snapshots = new MemorySnapshotStore();
    ElectionState persisted = ElectionState.INITIAL;
    RaftNode raft;
    MetadataLoader loader;
    int incarnation;
    boolean paused;
    final List<ControllerSimulation.Event> held = new ArrayList<>();
    /** The last image this incarnation published: the checker compares the next one with it. */
    MetadataImage lastImage = MetadataImage.EMPTY;
    private long nextRaftWakeupMs = Long.MAX_VALUE;
    private final ArrayDeque<RaftEffects> work = new ArrayDeque<>();
    private boolean pumping;
    private boolean loadingSnapshot;
    private long recordsSinceSnapshot;

    MetadataSimNode(int id, ControllerSimulation sim) {
        this.id = id;
        this.sim = sim;
    }

    @Override
    public int id() {
        return id;
    }

    @Override
    public boolean up() {
        return raft != null;
    }

    @Override
    public int incarnation() {
        return incarnation;
    }

    @Override
    public MetadataSimNode pausable() {
        return this;
    }

    /** Starts (or restarts) the process from its durable state. */
    abstract void start();

    /** A new image of the committed log, or of a loaded snapshot. */
    abstract void onImage(MetadataImage image, boolean fromSnapshot);

    abstract void onLeaderChange(LeaderAndEpoch leader);

    abstract void onAppendResult(AppendResult result);

    /** Lets this node's own core act on what it learned; Raft inputs it makes go through {@link #enqueue}. */
    abstract void drainCore();

    /** A controller RPC (or its answer) arrived. */
    abstract void receiveRpc(int from, Object message);

    /** Called when the process stops, before its volatile state goes. */
    abstract void onStop();

    /** Builds the Raft node and the loader; the subclass has made its own core first. */
    final void startRaft() {
        raft = RaftNode.builder()
                .nodeId(id)
                .clusterId(Simulation.CLUSTER_ID)
                .config(ControllerSimulation.RAFT_CONFIG)
                .voters(sim.voterSet())
                .log(log)
                .snapshots(snapshots)
                .electionState(persisted)
                .random(new Random(sim.schedule().seed() * 1_000_003L + id * 7919L + incarnation))
                .nowMs(sim.nowMs())
                .build();
        loader = new MetadataLoader(MetadataRecordCodec::decode, MetadataRecordCodec::decodeSnapshot);
        loader.addListener(this::publish);
        loader.addLeaderListener(this::onLeaderChange);
        lastImage = MetadataImage.EMPTY;
        recordsSinceSnapshot = 0;
        nextRaftWakeupMs = Long.MAX_VALUE;
        apply(raft.registerListener(0, sim.nowMs()));
    }

    @Override
    public final void receive(int from, Object message) {
        if (message instanceof RaftMessage raftMessage) {
            apply(raft.handleMessage(from, raftMessage, sim.nowMs()));
        } else {
            receiveRpc(from, message);
        }
    }

    /** Power cut: the unflushed tail is lost and every in-flight answer to us is void. */
    void crash() {
        onStop();
        log.crash();
        raft = null;
        loader = null;
        paused = false;
        held.clear();
        work.clear();
        incarnation++;
        nextRaftWakeupMs = Long.MAX_VALUE;
    }

    /** Graceful stop: everything appended is flushed first, so nothing is lost. */
    void stopGracefully() {
        if (log.flushUnderWay()) {
            log.completeFlush();
        }
        log.flush();
        crash();
    }

    /** Queues one step's effects and carries out everything queued, with what it leads to. */
    final void apply(RaftEffects effects) {
        work.add(effects);
        pump();
    }

    /** Carries out queued work; used after feeding the node's own core an input. */
    final void pump() {
        if (pumping) {
            return;
        }
        pumping = true;
        try {
            drainCore();
            while (up()) {
                RaftEffects next = work.poll();
                if (next == null) {
                    maybeSnapshot();
                    next = work.poll();
                    if (next == null) {
                        break;
                    }
                }
                applyOne(next);
                if (up()) {
                    drainCore();
                }
            }
        } finally {
            pumping = false;
        }
    }

    /** Queues the effects of an input the node's own core gave Raft (an append). */
    final void enqueue(RaftEffects effects) {
        work.add(effects);
    }

    private void applyOne(RaftEffects effects) {
        effects.electionState().ifPresent(state -> persisted = state);
        if (effects.flush()) {
            log.beginFlush();
            int flushIncarnation = incarnation;
            sim.schedule(sim.nowMs() + 1 + sim.random().nextInt(8), this, () -> {
                if (up() && incarnation == flushIncarnation) {
                    apply(raft.handleFlushed(log.completeFlush(), sim.nowMs()));
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
            onAppendResult(result);
        }
        armRaftWakeup(effects.wakeupAtMs());
    }

    private void armRaftWakeup(long wakeupAtMs) {
        if (!up() || wakeupAtMs >= nextRaftWakeupMs) {
            return;
        }
        nextRaftWakeupMs = wakeupAtMs;
        long at = wakeupAtMs;
        int wakeIncarnation = incarnation;
        sim.schedule(at, this, () -> {
            if (up() && incarnation == wakeIncarnation && nextRaftWakeupMs == at) {
                nextRaftWakeupMs = Long.MAX_VALUE;
                apply(raft.tick(sim.nowMs()));
            }
        });
    }

    private void deliver(ListenerEvent event) {
        if (event instanceof ListenerEvent.Commit commit) {
            sim.checker().onCommittedBatch(this, commit.batch());
            loader.handleCommit(commit.batch());
            if (!commit.batch().control()) {
                recordsSinceSnapshot += commit.batch().records().size();
            }
        } else if (event instanceof ListenerEvent.LoadSnapshot load) {
            sim.trace(name() + " loads snapshot " + load.snapshot().id());
            loadingSnapshot = true;
            try {
                loader.handleLoadSnapshot(load.snapshot());
            } finally {
                loadingSnapshot = false;
            }
            recordsSinceSnapshot = 0;
        } else if (event instanceof ListenerEvent.LeaderChange change) {
            loader.handleLeaderChange(change.leader());
        }
    }

    private void publish(MetadataDelta delta, MetadataImage image) {
        sim.checker().onImage(this, image);
        lastImage = image;
        onImage(image, loadingSnapshot);
    }

    /** Snapshots the committed image every {@code snapshotEvery} records, as a real node does now and then. */
    private void maybeSnapshot() {
        if (!up() || recordsSinceSnapshot < sim.schedule().snapshotEvery()) {
            return;
        }
        MetadataImage image = loader.image();
        long endOffset = image.endOffset();
        if (endOffset <= log.startOffset() || endOffset > raft.highWatermark() || endOffset > log.endOffset()) {
            return;
        }
        recordsSinceSnapshot = 0;
        sim.trace(name() + " snapshots its image at offset " + endOffset);
        work.add(raft.createSnapshot(endOffset, MetadataRecordCodec.encodeSnapshot(image.toRecords()), sim.nowMs()));
    }

    abstract String name();

    @Override
    public String toString() {
        return name() + (up() ? " " + raft.state() + " hw=" + raft.highWatermark() + " image@" + loader.image().endOffset()
                : " down") + (paused ? " paused" : "") + " log=[" + log.startOffset() + "," + log.endOffset() + ")";
    }
}
