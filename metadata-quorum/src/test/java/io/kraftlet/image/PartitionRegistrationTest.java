package io.kraftlet.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.metadata.LeaderRecoveryState;
import io.kraftlet.metadata.MetadataRecord;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * One partition's state: the merge rules of a change (null keeps, a value replaces, the
 * partition epoch always bumps, the leader epoch only on a leader change or when asked),
 * equality over every field, and immutability of what it hands out.
 */
class PartitionRegistrationTest {
    private static final UUID TOPIC = new UUID(1, 2);

    /** Replicas (1, 2, 3), ISR (1, 2), ELR (3), last known ELR (4), leader 1, epochs 5 and 9. */
    private static PartitionRegistration base() {
        return new PartitionRegistration(new int[] {1, 2, 3}, new int[] {1, 2}, new int[] {3}, new int[] {4}, 1,
                LeaderRecoveryState.RECOVERED, 5, 9);
    }

    private static MetadataRecord.PartitionChange change(Integer leader, List<Integer> isr, List<Integer> elr,
            List<Integer> lastKnownElr, List<Integer> replicas, LeaderRecoveryState state, boolean bump) {
        return new MetadataRecord.PartitionChange(TOPIC, 0, leader, isr, elr, lastKnownElr, replicas, state, bump);
    }

    private static MetadataRecord.PartitionChange nothing() {
        return change(null, null, null, null, null, null, false);
    }

    @Test
    void anEmptyChangeKeepsEverythingButBumpsThePartitionEpoch() {
        PartitionRegistration merged = base().merge(nothing());
        assertEquals(base().replicas(), merged.replicas());
        assertEquals(base().isr(), merged.isr());
        assertEquals(base().elr(), merged.elr());
        assertEquals(base().lastKnownElr(), merged.lastKnownElr());
        assertEquals(1, merged.leader());
        assertEquals(LeaderRecoveryState.RECOVERED, merged.leaderRecoveryState());
        assertEquals(5, merged.leaderEpoch());
        assertEquals(10, merged.partitionEpoch());
    }

    @Test
    void eachSetFieldReplacesOnlyItself() {
        PartitionRegistration base = base();
        assertEquals(List.of(2), base.merge(change(null, List.of(2), null, null, null, null, false)).isr());
        assertEquals(List.of(), base.merge(change(null, null, List.of(), null, null, null, false)).elr());
        assertEquals(List.of(7), base.merge(change(null, null, null, List.of(7), null, null, false)).lastKnownElr());
        assertEquals(List.of(3, 2, 1), base.merge(change(null, null, null, null, List.of(3, 2, 1), null, false))
                .replicas());
        assertEquals(LeaderRecoveryState.RECOVERING,
                base.merge(change(null, null, null, null, null, LeaderRecoveryState.RECOVERING, false))
                        .leaderRecoveryState());

        PartitionRegistration isrOnly = base.merge(change(null, List.of(), null, null, null, null, false));
        assertEquals(List.of(), isrOnly.isr());
        assertEquals(List.of(3), isrOnly.elr());
        assertEquals(List.of(4), isrOnly.lastKnownElr());
        assertEquals(List.of(1, 2, 3), isrOnly.replicas());
        assertEquals(1, isrOnly.leader());
        assertEquals(5, isrOnly.leaderEpoch());
    }

    @Test
    void theLeaderEpochBumpsOnlyWhenTheLeaderChangesOrTheChangeAsks() {
        assertEquals(5, base().merge(change(1, null, null, null, null, null, false)).leaderEpoch());
        assertEquals(6, base().merge(change(2, null, null, null, null, null, false)).leaderEpoch());
        assertEquals(6, base().merge(change(MetadataRecord.NO_LEADER, null, null, null, null, null, false))
                .leaderEpoch());
        assertEquals(6, base().merge(change(null, null, null, null, null, null, true)).leaderEpoch());
        // A leader change that also asks for a bump still bumps by one.
        assertEquals(6, base().merge(change(3, null, null, null, null, null, true)).leaderEpoch());
        PartitionRegistration noLeader = base().merge(change(MetadataRecord.NO_LEADER, null, null, null, null, null,
                false));
        assertFalse(noLeader.hasLeader());
        assertEquals(7, noLeader.merge(change(2, null, null, null, null, null, false)).leaderEpoch());
        assertEquals(11, noLeader.merge(nothing()).partitionEpoch());
    }

    @Test
    void mergeMakesANewRegistrationAndLeavesTheOldOne() {
        PartitionRegistration base = base();
        PartitionRegistration merged = base.merge(change(2, List.of(2), List.of(), List.of(), List.of(2, 1), null,
                false));
        assertNotSame(base, merged);
        assertEquals(base(), base);
        assertEquals(List.of(2, 1), merged.replicas());
    }

    @Test
    void recordsRoundTrip() {
        PartitionRegistration base = base();
        MetadataRecord.Partition record = base.toRecord(TOPIC, 4);
        assertEquals(new MetadataRecord.Partition(TOPIC, 4, List.of(1, 2, 3), List.of(1, 2), List.of(3), List.of(4),
                1, LeaderRecoveryState.RECOVERED, 5, 9), record);
        assertEquals(base, PartitionRegistration.fromRecord(record));
    }

    @Test
    void equalityCoversEveryField() {
        PartitionRegistration base = base();
        assertEquals(base, base());
        assertEquals(base.hashCode(), base().hashCode());
        assertNotEquals(base, null);
        assertNotEquals(base, "partition");
        List<PartitionRegistration> others = List.of(
                new PartitionRegistration(new int[] {1, 3, 2}, new int[] {1, 2}, new int[] {3}, new int[] {4}, 1,
                        LeaderRecoveryState.RECOVERED, 5, 9),
                new PartitionRegistration(new int[] {1, 2, 3}, new int[] {2, 1}, new int[] {3}, new int[] {4}, 1,
                        LeaderRecoveryState.RECOVERED, 5, 9),
                new PartitionRegistration(new int[] {1, 2, 3}, new int[] {1, 2}, new int[] {}, new int[] {4}, 1,
                        LeaderRecoveryState.RECOVERED, 5, 9),
                new PartitionRegistration(new int[] {1, 2, 3}, new int[] {1, 2}, new int[] {3}, new int[] {}, 1,
                        LeaderRecoveryState.RECOVERED, 5, 9),
                new PartitionRegistration(new int[] {1, 2, 3}, new int[] {1, 2}, new int[] {3}, new int[] {4}, 2,
                        LeaderRecoveryState.RECOVERED, 5, 9),
                new PartitionRegistration(new int[] {1, 2, 3}, new int[] {1, 2}, new int[] {3}, new int[] {4}, 1,
                        LeaderRecoveryState.RECOVERING, 5, 9),
                new PartitionRegistration(new int[] {1, 2, 3}, new int[] {1, 2}, new int[] {3}, new int[] {4}, 1,
                        LeaderRecoveryState.RECOVERED, 6, 9),
                new PartitionRegistration(new int[] {1, 2, 3}, new int[] {1, 2}, new int[] {3}, new int[] {4}, 1,
                        LeaderRecoveryState.RECOVERED, 5, 10));
        for (PartitionRegistration other : others) {
            assertNotEquals(base, other, other.toString());
            assertNotEquals(other, base, other.toString());
        }
    }

    @Test
    void theConstructorCopiesItsArrays() {
        int[] replicas = {1, 2, 3};
        int[] isr = {1, 2};
        int[] elr = {3};
        int[] lastKnownElr = {4};
        PartitionRegistration partition = new PartitionRegistration(replicas, isr, elr, lastKnownElr, 1,
                LeaderRecoveryState.RECOVERED, 5, 9);
        replicas[0] = 9;
        isr[0] = 9;
        elr[0] = 9;
        lastKnownElr[0] = 9;
        assertEquals(base(), partition);
        assertEquals(1, partition.preferredLeader());
    }

    @Test
    void accessorsHandOutUnmodifiableCopies() {
        PartitionRegistration partition = base();
        for (List<Integer> list : List.of(partition.replicas(), partition.isr(), partition.elr(),
                partition.lastKnownElr())) {
            assertThrows(UnsupportedOperationException.class, () -> list.set(0, 9));
            assertThrows(UnsupportedOperationException.class, () -> list.add(9));
        }
        assertNotSame(partition.replicas(), partition.replicas());
        assertEquals(base(), partition);
    }

    @Test
    void queriesReadTheArrays() {
        PartitionRegistration partition = base();
        assertEquals(3, partition.replicaCount());
        assertEquals(2, partition.isrSize());
        assertEquals(1, partition.preferredLeader());
        assertTrue(partition.hasLeader());
        assertTrue(partition.isReplica(3));
        assertFalse(partition.isReplica(4));
        assertTrue(partition.inIsr(2));
        assertFalse(partition.inIsr(3));
        assertTrue(partition.inElr(3));
        assertFalse(partition.inElr(1));
        PartitionRegistration empty = new PartitionRegistration(new int[0], new int[0], new int[0], new int[0],
                MetadataRecord.NO_LEADER, LeaderRecoveryState.RECOVERED, 0, 0);
        assertEquals(MetadataRecord.NO_LEADER, empty.preferredLeader());
        assertFalse(empty.hasLeader());
    }
}
