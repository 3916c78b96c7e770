package io.kraftlet.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.replication.ProducePurgatory.Completion;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The acks=all waiting room: completion by HW in order, the error answers, and its bound. */
class ProducePurgatoryTest {

    private static Completion ok(long requestId) {
        return new Completion(requestId, ReplicationError.NONE);
    }

    @Test
    void highWatermarkCompletesCoveredRequestsInArrivalOrder() {
        ProducePurgatory purgatory = new ProducePurgatory(10);
        purgatory.add(1, 10, 5_000);
        purgatory.add(2, 20, 5_000);
        purgatory.add(3, 20, 5_000);
        purgatory.add(4, 30, 5_000);
        assertEquals(List.of(), purgatory.onHighWatermark(9), "HW 9 does not cover a batch ending at 10");
        assertEquals(List.of(ok(1)), purgatory.onHighWatermark(10));
        assertEquals(List.of(ok(2), ok(3)), purgatory.onHighWatermark(25));
        assertEquals(1, purgatory.size());
        assertEquals(List.of(ok(4)), purgatory.onHighWatermark(100));
        assertEquals(0, purgatory.size());
    }

    @Test
    void isrBelowMinFailsEveryWaitingRequestAfterAppend() {
        ProducePurgatory purgatory = new ProducePurgatory(10);
        purgatory.add(1, 10, 5_000);
        purgatory.add(2, 20, 5_000);
        assertEquals(List.of(new Completion(1, ReplicationError.NOT_ENOUGH_REPLICAS_AFTER_APPEND),
                new Completion(2, ReplicationError.NOT_ENOUGH_REPLICAS_AFTER_APPEND)), purgatory.onIsrShrunkBelowMin());
        assertEquals(List.of(), purgatory.onHighWatermark(100), "answered once only");
    }

    @Test
    void expireTimesOutOnlyRequestsAtOrPastTheirDeadline() {
        ProducePurgatory purgatory = new ProducePurgatory(10);
        purgatory.add(1, 10, 3_000);
        purgatory.add(2, 20, 1_000);
        purgatory.add(3, 30, 2_000);
        assertEquals(OptionalLong.of(1_000), purgatory.nextDeadlineMs());
        assertEquals(List.of(), purgatory.expire(999));
        assertEquals(List.of(new Completion(2, ReplicationError.REQUEST_TIMED_OUT)), purgatory.expire(1_000));
        assertEquals(List.of(new Completion(1, ReplicationError.REQUEST_TIMED_OUT),
                new Completion(3, ReplicationError.REQUEST_TIMED_OUT)), purgatory.expire(5_000));
        assertEquals(OptionalLong.empty(), purgatory.nextDeadlineMs());
    }

    @Test
    void failAllAnswersEveryRequestWithTheError() {
        ProducePurgatory purgatory = new ProducePurgatory(10);
        purgatory.add(1, 10, 3_000);
        assertEquals(List.of(new Completion(1, ReplicationError.NOT_LEADER_OR_FOLLOWER)),
                purgatory.failAll(ReplicationError.NOT_LEADER_OR_FOLLOWER));
        assertThrows(IllegalArgumentException.class, () -> purgatory.failAll(ReplicationError.NONE));
    }

    @Test
    void refusesEntriesBeyondItsBound() {
        ProducePurgatory purgatory = new ProducePurgatory(2);
        purgatory.add(1, 10, 3_000);
        assertTrue(purgatory.hasRoom());
        purgatory.add(2, 20, 3_000);
        assertFalse(purgatory.hasRoom());
        IllegalStateException full = assertThrows(IllegalStateException.class, () -> purgatory.add(3, 30, 3_000));
        assertTrue(full.getMessage().contains("full") && full.getMessage().contains("max 2"), full.getMessage());
        assertEquals(2, purgatory.size());
        purgatory.onHighWatermark(10);
        assertTrue(purgatory.hasRoom(), "a completion frees room");
        purgatory.add(3, 30, 3_000);
        assertThrows(IllegalArgumentException.class, () -> new ProducePurgatory(0));
    }

    @Test
    void refusesDuplicateIdsAndOutOfOrderOffsets() {
        ProducePurgatory purgatory = new ProducePurgatory(10);
        purgatory.add(1, 20, 3_000);
        assertThrows(IllegalArgumentException.class, () -> purgatory.add(1, 30, 3_000));
        assertThrows(IllegalArgumentException.class, () -> purgatory.add(2, 19, 3_000));
        assertEquals(1, purgatory.size());
    }
}
