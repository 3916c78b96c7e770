package io.kraftlet.replication;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which replication errors a client may retry. */
class ReplicationErrorTest {

    @Test
    void onlyAWrongAcksValueIsFinal() {
        assertFalse(ReplicationError.NONE.retriable());
        assertFalse(ReplicationError.INVALID_REQUIRED_ACKS.retriable());
        for (ReplicationError error : new ReplicationError[] {ReplicationError.NOT_ENOUGH_REPLICAS,
                ReplicationError.NOT_ENOUGH_REPLICAS_AFTER_APPEND, ReplicationError.REQUEST_TIMED_OUT,
                ReplicationError.NOT_LEADER_OR_FOLLOWER, ReplicationError.FENCED_LEADER_EPOCH}) {
            assertTrue(error.retriable(), error.name());
        }
    }
}
