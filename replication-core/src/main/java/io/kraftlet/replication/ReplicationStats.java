package io.kraftlet.replication;

/**
 * A snapshot of one broker's replication state for its meters (DESIGN.md §8, Kafka's names).
 *
 * @param leaderCount partitions this broker leads
 * @param followerCount partitions this broker follows a live leader for
 * @param underReplicatedPartitions led partitions whose ISR is smaller than their replica set
 * @param underMinIsrPartitionCount led partitions whose ISR is smaller than min.insync.replicas
 * @param atMinIsrPartitionCount led partitions whose ISR is exactly min.insync.replicas
 * @param offlinePartitionCount replicas that failed on this broker (I/O error, refused truncation)
 * @param isrShrinks ISR shrinks this broker committed as leader, since start
 * @param isrExpands ISR expansions this broker committed as leader, since start
 * @param uncleanLeaderships leaderships taken after an unclean election, since start
 * @param uncleanTruncatedOffsets committed offsets dropped after unclean elections, since start
 */
public record ReplicationStats(int leaderCount, int followerCount, int underReplicatedPartitions,
        int underMinIsrPartitionCount, int atMinIsrPartitionCount, int offlinePartitionCount, long isrShrinks,
        long isrExpands, long uncleanLeaderships, long uncleanTruncatedOffsets) {
    public static final ReplicationStats EMPTY = new ReplicationStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}
