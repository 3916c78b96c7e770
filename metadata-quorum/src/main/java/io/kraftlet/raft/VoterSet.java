package io.kraftlet.raft;

import java.util.Collection;
import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The voters of the quorum, held as data so that adding or removing one voter at a time can
 * later be replayed from the log instead of being a constant spread through the core.
 */
public final class VoterSet {
    private final SortedSet<Integer> ids;

    public VoterSet(Collection<Integer> ids) {
        if (ids.isEmpty()) {
            throw new IllegalArgumentException("a voter set needs at least one voter");
        }
        for (int id : ids) {
            if (id < 0) {
                throw new IllegalArgumentException("voter ids must be >= 0, got " + id);
            }
        }
        this.ids = Collections.unmodifiableSortedSet(new TreeSet<>(ids));
    }

    public boolean contains(int id) {
        return ids.contains(id);
    }

    public SortedSet<Integer> ids() {
        return ids;
    }

    public int size() {
        return ids.size();
    }

    /** The smallest number of voters that forms a majority. */
    public int majority() {
        return ids.size() / 2 + 1;
    }

    @Override
    public String toString() {
        return ids.toString();
    }
}
