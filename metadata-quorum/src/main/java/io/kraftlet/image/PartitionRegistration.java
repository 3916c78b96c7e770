package io.kraftlet.image;

import io.kraftlet.metadata.LeaderRecoveryState;
import io.kraftlet.metadata.MetadataRecord;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The state of one partition: replicas (replicas[0] is the preferred leader), ISR, eligible
 * leader replicas (ELR) and last known ELR, the leader (or -1), the leader recovery state, the
 * leader epoch (bumps on every leader change) and the partition epoch (bumps on every change).
 * Immutable; arrays are never handed out.
 */
public final class PartitionRegistration {
    private final int[] replicas;
    private final int[] isr;
    private final int[] elr;
    private final int[] lastKnownElr;
    private final int leader;
    private final LeaderRecoveryState leaderRecoveryState;
    private final int leaderEpoch;
    private final int partitionEpoch;

    public PartitionRegistration(int[] replicas, int[] isr, int[] elr, int[] lastKnownElr, int leader,
            LeaderRecoveryState leaderRecoveryState, int leaderEpoch, int partitionEpoch) {
        this.replicas = replicas.clone();
        this.isr = isr.clone();
        this.elr = elr.clone();
        this.lastKnownElr = lastKnownElr.clone();
        this.leader = leader;
        this.leaderRecoveryState = Objects.requireNonNull(leaderRecoveryState, "leaderRecoveryState");
        this.leaderEpoch = leaderEpoch;
        this.partitionEpoch = partitionEpoch;
    }

    public static PartitionRegistration fromRecord(MetadataRecord.Partition record) {
        return new PartitionRegistration(toArray(record.replicas()), toArray(record.isr()), toArray(record.elr()),
                toArray(record.lastKnownElr()), record.leader(), record.leaderRecoveryState(), record.leaderEpoch(),
                record.partitionEpoch());
    }

    /**
     * This partition after a change: the partition epoch always bumps; the leader epoch bumps
     * when the leader changes or the change asks for it.
     */
    public PartitionRegistration merge(MetadataRecord.PartitionChange change) {
        int newLeader = change.leader() != null ? change.leader() : leader;
        boolean leaderChanged = newLeader != leader || change.bumpLeaderEpoch();
        return new PartitionRegistration(
                change.replicas() != null ? toArray(change.replicas()) : replicas,
                change.isr() != null ? toArray(change.isr()) : isr,
                change.elr() != null ? toArray(change.elr()) : elr,
                change.lastKnownElr() != null ? toArray(change.lastKnownElr()) : lastKnownElr,
                newLeader,
                change.leaderRecoveryState() != null ? change.leaderRecoveryState() : leaderRecoveryState,
                leaderChanged ? leaderEpoch + 1 : leaderEpoch,
                partitionEpoch + 1);
    }

    public MetadataRecord.Partition toRecord(UUID topicId, int partitionId) {
        return new MetadataRecord.Partition(topicId, partitionId, replicas(), isr(), elr(), lastKnownElr(), leader,
                leaderRecoveryState, leaderEpoch, partitionEpoch);
    }

    public List<Integer> replicas() {
        return toList(replicas);
    }

    public List<Integer> isr() {
        return toList(isr);
    }

    public List<Integer> elr() {
        return toList(elr);
    }

    public List<Integer> lastKnownElr() {
        return toList(lastKnownElr);
    }

    public int replicaCount() {
        return replicas.length;
    }

    public int isrSize() {
        return isr.length;
    }

    public int preferredLeader() {
        return replicas.length == 0 ? MetadataRecord.NO_LEADER : replicas[0];
    }

    public boolean hasLeader() {
        return leader != MetadataRecord.NO_LEADER;
    }

    public boolean isReplica(int brokerId) {
        return contains(replicas, brokerId);
    }

    public boolean inIsr(int brokerId) {
        return contains(isr, brokerId);
    }

    public boolean inElr(int brokerId) {
        return contains(elr, brokerId);
    }

    public int leader() {
        return leader;
    }

    public LeaderRecoveryState leaderRecoveryState() {
        return leaderRecoveryState;
    }

    public int leaderEpoch() {
        return leaderEpoch;
    }

    public int partitionEpoch() {
        return partitionEpoch;
    }

    static boolean contains(int[] ids, int id) {
        for (int candidate : ids) {
            if (candidate == id) {
                return true;
            }
        }
        return false;
    }

    static int[] toArray(List<Integer> ids) {
        int[] array = new int[ids.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = ids.get(i);
        }
        return array;
    }

    private static List<Integer> toList(int[] ids) {
        return Arrays.stream(ids).boxed().toList();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PartitionRegistration that
                && leader == that.leader && leaderEpoch == that.leaderEpoch && partitionEpoch == that.partitionEpoch
                && leaderRecoveryState == that.leaderRecoveryState && Arrays.equals(replicas, that.replicas)
                && Arrays.equals(isr, that.isr) && Arrays.equals(elr, that.elr)
                && Arrays.equals(lastKnownElr, that.lastKnownElr);
    }

    @Override
    public int hashCode() {
        return Objects.hash(leader, leaderEpoch, partitionEpoch, Arrays.hashCode(replicas), Arrays.hashCode(isr));
    }

    @Override
    public String toString() {
        return "Partition(leader=" + leader + ", leaderEpoch=" + leaderEpoch + ", partitionEpoch=" + partitionEpoch
                + ", replicas=" + Arrays.toString(replicas) + ", isr=" + Arrays.toString(isr) + ", elr="
                + Arrays.toString(elr) + ", lastKnownElr=" + Arrays.toString(lastKnownElr) + ", "
                + leaderRecoveryState + ")";
    }
}
