package io.kraftlet.image;

import io.kraftlet.log.SnapshotStore;
import io.kraftlet.metadata.MetadataRecord;
import io.kraftlet.raft.Batch;
import io.kraftlet.raft.LeaderAndEpoch;
import io.kraftlet.raft.RaftListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Turns the committed metadata log into images: registered with the metadata quorum as its
 * {@link RaftListener}, it decodes each committed batch, replays it into a
 * {@link MetadataDelta} and publishes {@code (delta, newImage)} to its {@link MetadataListener}s
 * in offset order. Control batches (leader changes) publish an image that only moves the end
 * offset, so "applied up to offset N" is always exact. A loaded snapshot is published as a
 * delta from the empty image.
 *
 * <p>Threading: called by the quorum's driver thread (see {@link RaftListener}); listeners are
 * called on that thread. Add listeners before registering the loader with the quorum.
 */
public final class MetadataLoader implements RaftListener {
    /** A leader change as the metadata listeners see it: who leads, and since when (leader's clock). */
    public interface LeaderListener {
        void onLeaderChange(LeaderAndEpoch leader);
    }

    private final Function<byte[], MetadataRecord> decoder;
    private final Function<byte[], List<MetadataRecord>> snapshotDecoder;
    private final List<MetadataListener> listeners = new ArrayList<>();
    private final List<LeaderListener> leaderListeners = new ArrayList<>();
    private volatile MetadataImage image = MetadataImage.EMPTY;
    private volatile LeaderAndEpoch leader = LeaderAndEpoch.UNKNOWN;
    private volatile long leaderSinceMs = -1;
    private int lastBatchEpoch = -1;

    /**
     * @param decoder one record's bytes to the record (throws on corrupt bytes, which stops the node)
     * @param snapshotDecoder a snapshot's bytes to the records it holds
     */
    public MetadataLoader(Function<byte[], MetadataRecord> decoder,
            Function<byte[], List<MetadataRecord>> snapshotDecoder) {
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        this.snapshotDecoder = Objects.requireNonNull(snapshotDecoder, "snapshotDecoder");
    }

    public synchronized MetadataLoader addListener(MetadataListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /** Stops telling {@code listener} of new images (a broker closed before the controller it shared). */
    public synchronized void removeListener(MetadataListener listener) {
        listeners.remove(listener);
    }

    public synchronized MetadataLoader addLeaderListener(LeaderListener listener) {
        leaderListeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    @Override
    public void handleCommit(Batch batch) {
        MetadataImage current = image;
        if (batch.baseOffset() < current.endOffset()) {
            return; // already applied (the snapshot we loaded covers it)
        }
        if (batch.epoch() > lastBatchEpoch) {
            lastBatchEpoch = batch.epoch();
            leaderSinceMs = batch.appendTimeMs();
        }
        MetadataDelta delta = new MetadataDelta(current);
        if (!batch.control()) {
            long offset = batch.baseOffset();
            for (byte[] bytes : batch.records()) {
                delta.replay(decoder.apply(bytes), offset++);
            }
        }
        publish(delta, delta.apply(batch.endOffset()));
    }

    @Override
    public void handleLoadSnapshot(SnapshotStore.Snapshot snapshot) {
        MetadataDelta delta = new MetadataDelta(MetadataImage.EMPTY);
        for (MetadataRecord record : snapshotDecoder.apply(snapshot.data())) {
            delta.replay(record, -1);
        }
        publish(delta, delta.apply(snapshot.id().endOffset()));
    }

    @Override
    public void handleLeaderChange(LeaderAndEpoch newLeader) {
        leader = newLeader;
        List<LeaderListener> targets;
        synchronized (this) {
            targets = List.copyOf(leaderListeners);
        }
        for (LeaderListener listener : targets) {
            listener.onLeaderChange(newLeader);
        }
    }

    private void publish(MetadataDelta delta, MetadataImage newImage) {
        image = newImage;
        List<MetadataListener> targets;
        synchronized (this) {
            targets = List.copyOf(listeners);
        }
        for (MetadataListener listener : targets) {
            listener.onMetadataUpdate(delta, newImage);
        }
    }

    /** The latest published image; safe to read from any thread. */
    public MetadataImage image() {
        return image;
    }

    /** The leader as last announced; safe to read from any thread. */
    public LeaderAndEpoch leader() {
        return leader;
    }

    /** Append time (leader's clock) of the first batch of the newest epoch seen, or -1. */
    public long leaderSinceMs() {
        return leaderSinceMs;
    }
}
