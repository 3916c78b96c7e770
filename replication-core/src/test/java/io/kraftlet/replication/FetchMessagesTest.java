package io.kraftlet.replication;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.raft.Batch;
import io.kraftlet.replication.log.EpochEndOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The shape rules of the fetch request and response records: each answer is exactly one kind. */
class FetchMessagesTest {
    private static final UUID TOPIC = new UUID(1, 2);

    private static Batch batch(long baseOffset) {
        return new Batch(baseOffset, 1, 0L, false, List.of(new byte[] {1}));
    }

    @Test
    void aRequestNeedsSaneFieldsAndNoEpochWithoutData() {
        assertDoesNotThrow(() -> new FetchPartitionRequest(TOPIC, 0, 2, 1L, 1, 0L,
                FetchPartitionRequest.NO_LAST_FETCHED_EPOCH, 10));
        assertThrows(IllegalArgumentException.class, () -> new FetchPartitionRequest(TOPIC, 0, 2, 1L, 1, 0L, 1, 10));
        assertThrows(IllegalArgumentException.class, () -> new FetchPartitionRequest(TOPIC, 0, 2, 1L, 1, 5L, 1, -1));
        assertThrows(IllegalArgumentException.class, () -> new FetchPartitionRequest(TOPIC, 0, 2, 1L, 1, -1L,
                FetchPartitionRequest.NO_LAST_FETCHED_EPOCH, 10));
    }

    @Test
    void aResponseIsAnErrorOrADivergenceOrContiguousRecords() {
        EpochEndOffset diverging = new EpochEndOffset(1, 2L);
        assertThrows(IllegalArgumentException.class, () -> new FetchPartitionResponse(FetchError.FENCED_LEADER_EPOCH,
                -1L, -1L, Optional.of(diverging), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new FetchPartitionResponse(FetchError.NONE, 0L, 0L,
                Optional.of(diverging), List.of(batch(0))));
        assertThrows(IllegalArgumentException.class,
                () -> FetchPartitionResponse.ofRecords(0L, 0L, List.of(batch(0), batch(2))));
        assertThrows(IllegalArgumentException.class, () -> FetchPartitionResponse.ofError(FetchError.NONE));
        assertDoesNotThrow(() -> FetchPartitionResponse.ofRecords(0L, 0L, List.of(batch(0), batch(1))));
    }

    @Test
    void onlyEpochAndLeadershipErrorsWaitForMetadata() {
        assertTrue(FetchError.FENCED_LEADER_EPOCH.awaitsMetadata());
        assertTrue(FetchError.UNKNOWN_LEADER_EPOCH.awaitsMetadata());
        assertTrue(FetchError.NOT_LEADER_OR_FOLLOWER.awaitsMetadata());
        assertFalse(FetchError.OFFSET_OUT_OF_RANGE.awaitsMetadata());
        assertFalse(FetchError.NONE.awaitsMetadata());
    }
}
