package io.kraftlet.log;

import io.kraftlet.raft.OffsetAndEpoch;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Leader-epoch cache: for every epoch that has batches in a log, the offset of its first
 * batch. Answers "where does epoch e end?" for divergence detection without scanning the log.
 * Shared by the in-memory and file logs so both answer identically.
 */
public final class EpochIndex {
    private final NavigableMap<Integer, Long> startOffsets = new TreeMap<>();
    private int startEpoch;
    private long startOffset;

    /** Forgets everything and starts at a snapshot position (or 0/0). */
    public void reset(long startOffset, int startEpoch) {
        startOffsets.clear();
        this.startOffset = startOffset;
        this.startEpoch = startEpoch;
    }

    public int startEpoch() {
        return startEpoch;
    }

    /** Records a batch appended at {@code baseOffset} in {@code epoch}. */
    public void onAppend(int epoch, long baseOffset) {
        Map.Entry<Integer, Long> last = startOffsets.lastEntry();
        int lastEpoch = last == null ? startEpoch : last.getKey();
        // Epochs in a log never go backwards: each batch comes from a leader at least as new.
        if (epoch < lastEpoch) {
            throw new IllegalArgumentException("batch epoch " + epoch + " at offset " + baseOffset
                    + " is older than the log's last epoch " + lastEpoch);
        }
        // The first batch of a new epoch starts it; the snapshot's epoch continuing above the
        // log start needs no entry, since startEpoch already covers it.
        if (epoch > lastEpoch) {
            startOffsets.put(epoch, baseOffset);
        }
    }

    /** Forgets epochs that start at or after {@code offset}. */
    public void onTruncate(long offset) {
        startOffsets.values().removeIf(start -> start >= offset);
    }

    /**
     * Moves the start of the log forward to a snapshot position. The snapshot's epoch is the
     * epoch of the record just below the new start, so batches of that epoch kept above it
     * are covered by {@link #startEpoch()} and need no entry of their own.
     */
    public void onDeletePrefix(long newStartOffset, int snapshotEpoch) {
        startOffset = newStartOffset;
        startEpoch = snapshotEpoch;
        startOffsets.values().removeIf(start -> start < newStartOffset);
        startOffsets.headMap(snapshotEpoch, true).clear();
    }

    public int lastEpoch() {
        return startOffsets.isEmpty() ? startEpoch : startOffsets.lastKey();
    }

    /** See {@link RaftLog#endOffsetForEpoch(int)}. */
    public OffsetAndEpoch endOffsetForEpoch(int epoch, long logEndOffset) {
        Map.Entry<Integer, Long> floor = startOffsets.floorEntry(epoch);
        if (floor == null) {
            if (epoch < startEpoch) {
                return new OffsetAndEpoch(startOffset, -1);
            }
            // The snapshot's epoch (or 0 for an empty log) covers everything up to the first
            // epoch that has batches.
            Map.Entry<Integer, Long> first = startOffsets.firstEntry();
            return new OffsetAndEpoch(first == null ? logEndOffset : first.getValue(), startEpoch);
        }
        Map.Entry<Integer, Long> next = startOffsets.higherEntry(floor.getKey());
        return new OffsetAndEpoch(next == null ? logEndOffset : next.getValue(), floor.getKey());
    }
}
