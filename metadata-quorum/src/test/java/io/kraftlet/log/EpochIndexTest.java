package io.kraftlet.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kraftlet.raft.OffsetAndEpoch;
import org.junit.jupiter.api.Test;

/**
 * The leader-epoch cache answers "where does epoch e end?" (RaftLog#endOffsetForEpoch): the
 * largest epoch at or below e that the log has, and where the next epoch starts.
 */
class EpochIndexTest {
    /** Epoch 1 at [0, 10) in two batches, epoch 3 at [10, 20), epoch 4 from 20; the log ends at 30. */
    private static EpochIndex threeEpochs() {
        EpochIndex index = new EpochIndex();
        index.onAppend(1, 0);
        index.onAppend(1, 5);
        index.onAppend(3, 10);
        index.onAppend(4, 20);
        return index;
    }

    @Test
    void emptyLogAnswersEpochZeroAtItsEnd() {
        EpochIndex index = new EpochIndex();
        assertEquals(0, index.lastEpoch());
        assertEquals(new OffsetAndEpoch(0, 0), index.endOffsetForEpoch(0, 0));
        assertEquals(new OffsetAndEpoch(0, 0), index.endOffsetForEpoch(5, 0));
    }

    @Test
    void anEpochEndsWhereTheNextOneStarts() {
        EpochIndex index = threeEpochs();
        assertEquals(new OffsetAndEpoch(10, 1), index.endOffsetForEpoch(1, 30));
        assertEquals(new OffsetAndEpoch(20, 3), index.endOffsetForEpoch(3, 30));
    }

    @Test
    void theLastEpochEndsAtTheLogEnd() {
        EpochIndex index = threeEpochs();
        assertEquals(4, index.lastEpoch());
        assertEquals(new OffsetAndEpoch(30, 4), index.endOffsetForEpoch(4, 30));
        assertEquals(new OffsetAndEpoch(30, 4), index.endOffsetForEpoch(9, 30), "a later epoch falls back to the last");
    }

    @Test
    void anEpochTheLogLacksAnswersWithTheLargestOneBelowIt() {
        // Epoch 2 had no leader writing here: the follower must truncate to the end of epoch 1.
        assertEquals(new OffsetAndEpoch(10, 1), threeEpochs().endOffsetForEpoch(2, 30));
    }

    @Test
    void epochZeroCoversNothingBeforeTheFirstBatch() {
        assertEquals(new OffsetAndEpoch(0, 0), threeEpochs().endOffsetForEpoch(0, 30));
    }

    @Test
    void epochsNeverGoBackwards() {
        EpochIndex index = threeEpochs();
        assertThrows(IllegalArgumentException.class, () -> index.onAppend(3, 30));
        assertEquals(4, index.lastEpoch(), "the refused append left the index as it was");
    }

    @Test
    void truncationForgetsEpochsThatStartAtOrAfterIt() {
        EpochIndex index = threeEpochs();
        index.onTruncate(20);
        assertEquals(3, index.lastEpoch());
        assertEquals(new OffsetAndEpoch(20, 3), index.endOffsetForEpoch(4, 20));
        index.onTruncate(15);
        assertEquals(3, index.lastEpoch(), "epoch 3 still has the batch at 10");
        index.onTruncate(10);
        assertEquals(1, index.lastEpoch());
        assertEquals(new OffsetAndEpoch(10, 1), index.endOffsetForEpoch(3, 10));
    }

    @Test
    void truncatedEpochCanBeRewrittenByALaterLeader() {
        EpochIndex index = threeEpochs();
        index.onTruncate(10);
        index.onAppend(5, 10);
        assertEquals(new OffsetAndEpoch(10, 1), index.endOffsetForEpoch(3, 25));
        assertEquals(new OffsetAndEpoch(25, 5), index.endOffsetForEpoch(5, 25));
    }

    @Test
    void afterPrefixDeletionOlderEpochsAnswerMinusOneAtTheStart() {
        EpochIndex index = threeEpochs();
        index.onDeletePrefix(15, 3);
        assertEquals(3, index.startEpoch());
        assertEquals(new OffsetAndEpoch(15, -1), index.endOffsetForEpoch(1, 30), "the answer lies in the snapshot");
        assertEquals(new OffsetAndEpoch(15, -1), index.endOffsetForEpoch(2, 30));
        assertEquals(new OffsetAndEpoch(20, 3), index.endOffsetForEpoch(3, 30), "the snapshot's epoch runs to epoch 4");
        assertEquals(new OffsetAndEpoch(30, 4), index.endOffsetForEpoch(4, 30));
        assertEquals(4, index.lastEpoch());
    }

    @Test
    void prefixDeletionOnAnEpochBoundaryKeepsTheNextEpoch() {
        EpochIndex index = threeEpochs();
        index.onDeletePrefix(20, 3);
        assertEquals(new OffsetAndEpoch(20, 3), index.endOffsetForEpoch(3, 30));
        assertEquals(new OffsetAndEpoch(30, 4), index.endOffsetForEpoch(4, 30));
        assertEquals(new OffsetAndEpoch(20, -1), index.endOffsetForEpoch(2, 30));
    }

    @Test
    void prefixDeletionOfEverythingLeavesTheSnapshotEpoch() {
        EpochIndex index = threeEpochs();
        index.onDeletePrefix(30, 4);
        assertEquals(4, index.lastEpoch());
        assertEquals(new OffsetAndEpoch(30, 4), index.endOffsetForEpoch(4, 30));
        assertEquals(new OffsetAndEpoch(30, 4), index.endOffsetForEpoch(7, 30));
        assertEquals(new OffsetAndEpoch(30, -1), index.endOffsetForEpoch(3, 30));
        assertThrows(IllegalArgumentException.class, () -> index.onAppend(3, 30));
    }

    @Test
    void resetStartsEmptyAtTheSnapshot() {
        EpochIndex index = threeEpochs();
        index.reset(50, 6);
        assertEquals(6, index.startEpoch());
        assertEquals(6, index.lastEpoch());
        assertEquals(new OffsetAndEpoch(50, 6), index.endOffsetForEpoch(6, 50));
        assertEquals(new OffsetAndEpoch(50, -1), index.endOffsetForEpoch(4, 50), "old epochs are forgotten");
        assertThrows(IllegalArgumentException.class, () -> index.onAppend(5, 50));
        index.onAppend(6, 50);
        index.onAppend(7, 60);
        assertEquals(new OffsetAndEpoch(60, 6), index.endOffsetForEpoch(6, 70));
        assertEquals(new OffsetAndEpoch(70, 7), index.endOffsetForEpoch(7, 70));
    }
}
