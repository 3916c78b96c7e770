package io.kraftlet.replication;

import java.util.Objects;
import java.util.UUID;

/**
 * One follower's fetch for one partition (DESIGN.md §4 "Follower fetch"): "I am
 * {@code replicaId} (broker epoch {@code replicaBrokerEpoch}), I believe the leader epoch is
 * {@code currentLeaderEpoch}, my log ends at {@code fetchOffset} and its last batch has epoch
 * {@code lastFetchedEpoch}".
 *
 * @param lastFetchedEpoch the epoch of the follower's last batch, or {@link #NO_LAST_FETCHED_EPOCH}
 *     when its log never held one (the leader then skips the divergence check)
 * @param maxBytes the most record bytes the follower accepts; the leader still returns one whole
 *     batch larger than this, so that a big batch cannot stall the follower
 */
public record FetchPartitionRequest(UUID topicId, int partition, int replicaId, long replicaBrokerEpoch,
        int currentLeaderEpoch, long fetchOffset, int lastFetchedEpoch, int maxBytes) {
    /** Kafka's "no epoch": the follower's log is empty and never held a batch. */
    public static final int NO_LAST_FETCHED_EPOCH = -1;

    public FetchPartitionRequest {
        Objects.requireNonNull(topicId, "topicId");
        if (partition < 0 || replicaId < 0 || currentLeaderEpoch < 0 || fetchOffset < 0
                || lastFetchedEpoch < NO_LAST_FETCHED_EPOCH || maxBytes < 0) {
            throw new IllegalArgumentException("bad fetch: partition=" + partition + " replica=" + replicaId
                    + " leaderEpoch=" + currentLeaderEpoch + " fetchOffset=" + fetchOffset + " lastFetchedEpoch="
                    + lastFetchedEpoch + " maxBytes=" + maxBytes);
        }
        // A follower that fetched a batch has an offset past it, so an epoch without data is a caller bug.
        if (fetchOffset == 0 && lastFetchedEpoch != NO_LAST_FETCHED_EPOCH) {
            throw new IllegalArgumentException("fetch offset 0 with last fetched epoch " + lastFetchedEpoch);
        }
    }
}
