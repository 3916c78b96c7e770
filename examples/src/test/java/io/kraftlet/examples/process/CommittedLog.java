package io.kraftlet.examples.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.Set;

/** Checks on the sequence numbers of a node's committed.txt. */
final class CommittedLog {
    private CommittedLog() {
    }

    /**
     * {@code committed} is exactly {@code first, first + 1, ...}: leaders number on from the last
     * committed record, so a gap means a committed record was lost and a repeat means one was
     * applied twice.
     */
    static void assertContiguousFrom(long first, List<Long> committed, String who) {
        for (int i = 0; i < committed.size(); i++) {
            long expected = first + i;
            if (committed.get(i) != expected) {
                fail(who + ": committed.txt line " + (i + 1) + " is " + committed.get(i) + ", expected " + expected
                        + " (around: " + committed.subList(Math.max(0, i - 3), Math.min(committed.size(), i + 3)) + ")");
            }
        }
    }

    /**
     * Like {@link #assertContiguousFrom}, for a node that loaded snapshots: it may skip ahead,
     * but only to right after the last sequence number of a snapshot it loaded (the snapshot
     * holds what it skipped).
     */
    static void assertContiguousExceptSnapshots(List<Long> committed, Set<Long> snapshotSequences, String who) {
        long previous = 0;
        for (int i = 0; i < committed.size(); i++) {
            long sequence = committed.get(i);
            boolean next = sequence == previous + 1;
            boolean afterSnapshot = sequence > previous && snapshotSequences.contains(sequence - 1);
            if (!next && !afterSnapshot) {
                fail(who + ": committed.txt line " + (i + 1) + " is " + sequence + " after " + previous
                        + ", and no loaded snapshot ends at " + (sequence - 1) + " (snapshots: " + snapshotSequences + ")");
            }
            previous = sequence;
        }
    }

    static void assertContiguousFromOne(List<Long> committed, String who) {
        assertContiguousFrom(1, committed, who);
    }

    /** Both nodes committed the same sequence numbers wherever both have them. */
    static void assertSamePrefix(List<Long> a, List<Long> b, String who) {
        int common = Math.min(a.size(), b.size());
        assertEquals(a.subList(0, common), b.subList(0, common), who);
    }
}
