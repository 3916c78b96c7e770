package io.kraftlet.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Every produce error a leader gives before the append, and which acks wait or answer. */
class ProduceAcksTest {

    @Test
    void onlyZeroOneAndMinusOneAreValid() {
        for (int acks : new int[] {0, 1, -1}) {
            assertEquals(ReplicationError.NONE, ProduceAcks.validate(acks), "acks=" + acks);
        }
        for (int acks : new int[] {2, -2, 3, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
            assertEquals(ReplicationError.INVALID_REQUIRED_ACKS, ProduceAcks.validate(acks), "acks=" + acks);
        }
    }

    @Test
    void acksAllIsRefusedBeforeAppendWhileTheIsrIsBelowMin() {
        assertEquals(ReplicationError.NOT_ENOUGH_REPLICAS, ProduceAcks.checkBeforeAppend(ProduceAcks.ALL, 1, 2));
        assertEquals(ReplicationError.NONE, ProduceAcks.checkBeforeAppend(ProduceAcks.ALL, 2, 2));
        assertEquals(ReplicationError.NONE, ProduceAcks.checkBeforeAppend(ProduceAcks.LEADER, 1, 2),
                "acks=1 does not need the ISR");
        assertEquals(ReplicationError.NONE, ProduceAcks.checkBeforeAppend(ProduceAcks.NONE, 1, 2));
        assertEquals(ReplicationError.INVALID_REQUIRED_ACKS, ProduceAcks.checkBeforeAppend(5, 1, 2),
                "the acks value is checked first");
    }

    @Test
    void onlyAcksAllWaitsAndOnlyAcksZeroGoesUnanswered() {
        assertTrue(ProduceAcks.waitsForHighWatermark(ProduceAcks.ALL));
        assertFalse(ProduceAcks.waitsForHighWatermark(ProduceAcks.LEADER));
        assertFalse(ProduceAcks.waitsForHighWatermark(ProduceAcks.NONE));
        assertFalse(ProduceAcks.answers(ProduceAcks.NONE));
        assertTrue(ProduceAcks.answers(ProduceAcks.LEADER));
        assertTrue(ProduceAcks.answers(ProduceAcks.ALL));
    }
}
