package io.kraftlet.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The one true committed log, as the checker learns it: the first node to commit an offset
 * defines it, every later commit of that offset anywhere must match (LogMatching below HW).
 * Also keeps, for every offset, the state machine hash of the data records below it, so
 * snapshots can be checked against the history they claim to summarize.
 */
final class CommittedHistory {
    /** One committed offset: the epoch of its batch and the hash of its record. */
    record Entry(int epoch, long recordHash, boolean control) {
    }

    private final List<Entry> entries = new ArrayList<>();
    /** For each epoch in which a leader committed something: the end of what it committed. */
    private final NavigableMap<Integer, Long> committedEndByEpoch = new TreeMap<>();
    private final List<Long> stateHashBefore = new ArrayList<>(List.of(0L));

    long size() {
        return entries.size();
    }

    Entry entry(long offset) {
        return entries.get((int) offset);
    }

    /** The state machine hash of all data records below {@code offset}. */
    long stateHashAt(long offset) {
        return stateHashBefore.get((int) offset);
    }

    /**
     * The end of everything committed in epochs before {@code epoch}: what a leader of that
     * epoch must hold (Raft's Leader Completeness speaks of entries committed in earlier terms;
     * a stale leader of an old epoch may rightly lack entries committed later).
     */
    long committedEndBefore(int epoch) {
        long end = 0;
        for (long committedEnd : committedEndByEpoch.headMap(epoch, false).values()) {
            end = Math.max(end, committedEnd);
        }
        return end;
    }

    /**
     * Checks (or records) that {@code entry} is the committed entry at {@code offset};
     * {@code commitEpoch} is the epoch of the node that first reports it committed.
     */
    void observe(long offset, Entry entry, String where, int commitEpoch) {
        if (offset < entries.size()) {
            Entry known = entries.get((int) offset);
            if (!known.equals(entry)) {
                throw new InvariantViolation("LogMatching", where + " committed " + entry + " at offset " + offset
                        + " but " + known + " was committed there before");
            }
            return;
        }
        if (offset != entries.size()) {
            throw new IllegalStateException("history gap: offset " + offset + " observed before " + entries.size());
        }
        entries.add(entry);
        committedEndByEpoch.merge(commitEpoch, offset + 1, Math::max);
        long before = stateHashBefore.get(stateHashBefore.size() - 1);
        stateHashBefore.add(entry.control() ? before : RecordHash.chain(before, entry.recordHash()));
    }
}
