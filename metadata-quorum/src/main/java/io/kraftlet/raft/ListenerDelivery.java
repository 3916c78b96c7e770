package io.kraftlet.raft;

import io.kraftlet.log.SnapshotStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Hands committed data to registered listeners in offset order: a snapshot first when a
 * listener is behind the log start, then committed batches below the high watermark, bounded
 * per step. Tells each listener of leader changes; a new leader tells its own listener only
 * once the epoch's first record is committed and the listener has applied everything below
 * the high watermark, so the listener never acts as leader on a stale state.
 */
final class ListenerDelivery {
    private static final class Listener {
        final int id;
        long nextOffset;
        LeaderAndEpoch lastLeader;

        Listener(int id) {
            this.id = id;
        }
    }

    private final RaftNode node;
    private final Map<Integer, Listener> listeners = new TreeMap<>();

    ListenerDelivery(RaftNode node) {
        this.node = node;
    }

    void register(int listenerId) {
        if (listeners.containsKey(listenerId)) {
            throw new IllegalArgumentException("listener " + listenerId + " is already registered");
        }
        listeners.put(listenerId, new Listener(listenerId));
    }

    /** Queues deliveries; returns true when a listener still has committed data waiting. */
    boolean deliver() {
        boolean backlog = false;
        for (Listener listener : listeners.values()) {
            backlog |= deliverTo(listener);
        }
        return backlog;
    }

    /** Returns true when the per-step budget ran out before the listener caught up. */
    private boolean deliverTo(Listener listener) {
        if (listener.nextOffset < node.log.startOffset()) {
            Optional<SnapshotStore.Snapshot> snapshot = node.snapshots.latest();
            if (snapshot.isEmpty() || snapshot.get().id().endOffset() < node.log.startOffset()) {
                throw new IllegalStateException("node " + node.nodeId + ": the log starts at " + node.log.startOffset()
                        + " but no snapshot reaches it");
            }
            node.listenerEvents.add(new ListenerEvent.LoadSnapshot(listener.id, snapshot.get()));
            listener.nextOffset = snapshot.get().id().endOffset();
        }
        int budget = node.config.maxBatchesPerDelivery();
        while (budget > 0 && listener.nextOffset < node.highWatermark) {
            List<Batch> batches = node.log.read(listener.nextOffset, node.highWatermark, node.config.fetchMaxBytes());
            if (batches.isEmpty()) {
                break;
            }
            for (Batch batch : batches) {
                if (budget == 0) {
                    break;
                }
                node.listenerEvents.add(new ListenerEvent.Commit(listener.id, batch));
                listener.nextOffset = batch.endOffset();
                budget--;
            }
        }
        LeaderAndEpoch leader = node.quorum.leaderAndEpoch();
        boolean leaderNotCaughtUp = node.quorum.current() instanceof LeaderState leaderState
                && (node.highWatermark <= leaderState.epochStartOffset() || listener.nextOffset < node.highWatermark);
        if (!leader.equals(listener.lastLeader) && !leaderNotCaughtUp) {
            node.listenerEvents.add(new ListenerEvent.LeaderChange(listener.id, leader));
            listener.lastLeader = leader;
        }
        return budget == 0 && listener.nextOffset < node.highWatermark;
    }
}
