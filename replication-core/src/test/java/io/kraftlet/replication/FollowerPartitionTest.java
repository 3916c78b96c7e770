package io.kraftlet.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kraftlet.metadata.LeaderRecoveryState;
import io.kraftlet.raft.Batch;
import io.kraftlet.replication.log.EpochEndOffset;
import io.kraftlet.replication.log.MemoryPartitionLog;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Unit rules of {@link FollowerPartition}: the HW rule, stale answers, and bad divergence answers. */
class FollowerPartitionTest {
    private static final UUID TOPIC = new UUID(3, 4);
    private static final int MAX_BYTES = 1 << 16;

    private static Batch batch(long baseOffset, int epoch, int records) {
        byte[][] payload = new byte[records][];
        for (int i = 0; i < records; i++) {
            payload[i] = new byte[] {(byte) (baseOffset + i)};
        }
        return new Batch(baseOffset, epoch, 0L, false, List.of(payload));
    }

    private static FollowerPartition follower(MemoryPartitionLog log, long highWatermark) {
        return new FollowerPartition(TOPIC, 0, 2, 102L, 3, LeaderRecoveryState.RECOVERED, log, highWatermark,
                MAX_BYTES);
    }

    @Test
    void theHighWatermarkIsCappedAtTheLogEndAndNeverMovesBack() {
        MemoryPartitionLog log = new MemoryPartitionLog();
        FollowerPartition follower = follower(log, 0L);
        follower.buildFetchRequest();
        // The leader's HW (10) lies past what this replica holds (3): take only the LEO.
        follower.handleFetchResponse(FetchPartitionResponse.ofRecords(10L, 0L, List.of(batch(0, 1, 3))));
        assertEquals(3L, follower.highWatermark());

        follower.buildFetchRequest();
        // A lower HW from the leader (a new leader that has not yet learnt the HW) does not lower ours.
        FollowerFetchOutcome outcome = follower.handleFetchResponse(
                FetchPartitionResponse.ofRecords(1L, 0L, List.of(batch(3, 3, 2))));
        assertEquals(new FollowerFetchOutcome(FollowerFetchOutcome.Kind.APPENDED, 1, -1L, 0L), outcome);
        assertEquals(3L, follower.highWatermark());
        assertEquals(5L, log.endOffset());
    }

    @Test
    void recordsThatDoNotContinueAtTheLogEndOrAnswerNoFetchAreIgnored() {
        MemoryPartitionLog log = new MemoryPartitionLog();
        FollowerPartition follower = follower(log, 0L);
        FetchPartitionResponse unasked = FetchPartitionResponse.ofRecords(0L, 0L, List.of(batch(0, 1, 1)));
        assertEquals(FollowerFetchOutcome.Kind.IGNORED_STALE, follower.handleFetchResponse(unasked).kind());
        assertEquals(0L, log.endOffset());

        follower.buildFetchRequest();
        FetchPartitionResponse gap = FetchPartitionResponse.ofRecords(0L, 0L, List.of(batch(4, 1, 1)));
        assertEquals(FollowerFetchOutcome.Kind.IGNORED_STALE, follower.handleFetchResponse(gap).kind());
        assertEquals(0L, log.endOffset());
    }

    @Test
    void theTruncationPointFallsOnThisLogsOwnEpochBoundary() {
        // This log: epoch 1 at [0, 2), epoch 2 at [2, 4) (a leader of epoch 2 this replica followed).
        MemoryPartitionLog log = new MemoryPartitionLog();
        log.appendAsFollower(batch(0, 1, 2));
        log.appendAsFollower(batch(2, 2, 2));
        FollowerPartition follower = follower(log, 1L);
        follower.buildFetchRequest();
        // The leader never saw epoch 2; its epoch 1 ends at 3 (it holds one more epoch-1 record).
        FollowerFetchOutcome outcome = follower.handleFetchResponse(
                FetchPartitionResponse.ofDivergingEpoch(1L, 0L, new EpochEndOffset(1, 3L)));
        assertEquals(2L, outcome.truncatedTo());
        assertEquals(2L, log.endOffset());
        assertEquals(1, follower.buildFetchRequest().lastFetchedEpoch());
    }

    @Test
    void aDivergenceThatCutsNothingIsRejected() {
        MemoryPartitionLog log = new MemoryPartitionLog();
        log.appendAsFollower(batch(0, 1, 2));
        FollowerPartition follower = follower(log, 0L);
        follower.buildFetchRequest();
        assertThrows(IllegalArgumentException.class, () -> follower.handleFetchResponse(
                FetchPartitionResponse.ofDivergingEpoch(0L, 0L, new EpochEndOffset(1, 2L))));
        assertEquals(2L, log.endOffset());
    }

    @Test
    void aBatchFromAFutureEpochIsRejected() {
        MemoryPartitionLog log = new MemoryPartitionLog();
        FollowerPartition follower = follower(log, 0L);
        follower.buildFetchRequest();
        assertThrows(IllegalArgumentException.class, () -> follower.handleFetchResponse(
                FetchPartitionResponse.ofRecords(0L, 0L, List.of(batch(0, 4, 1)))));
        assertEquals(0L, log.endOffset());
    }
}
