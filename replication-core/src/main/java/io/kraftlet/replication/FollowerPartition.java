package io.kraftlet.replication;

import io.kraftlet.metadata.LeaderRecoveryState;
import io.kraftlet.raft.Batch;
import io.kraftlet.replication.log.EpochEndOffset;
import io.kraftlet.replication.log.PartitionLog;
import java.util.Objects;
import java.util.UUID;

/**
 * The follower side of one partition replica in one leader epoch (DESIGN.md §4): builds the next
 * fetch from its log and applies the leader's answer, as Kafka's {@code ReplicaFetcherThread}
 * does for one partition.
 *
 * <p>Rules:
 * <ul>
 *   <li>A fetch asks from the LEO with the epoch of the last batch; one fetch is outstanding, and
 *       only the answer to it is applied.
 *   <li>The log is truncated only on an explicit diverging-epoch answer from this leader, to the
 *       smaller of the leader's end offset for that epoch and this log's own end offset for it
 *       (Kafka's KIP-279 rule, so that the cut falls on a batch boundary of this log).
 *   <li>After clean elections a truncation never cuts below the HW (NoTruncationBelowHW, DESIGN
 *       §6): asked to, the follower refuses with {@link IllegalStateException}. While the leader
 *       is RECOVERING after an unclean election it complies, and reports the offsets below its
 *       HW that it dropped as lost; its HW then falls to the cut (the records are gone).
 *   <li>Records must continue at the LEO; the HW becomes max(HW, min(leader's HW, LEO)), so it
 *       never moves backwards and never passes the LEO.
 * </ul>
 * Pure: the driver sends the request, delivers the answer and flushes the log. Not thread-safe;
 * owned by the thread that owns the partition. A new leader epoch gets a new {@code FollowerPartition}.
 */
public final class FollowerPartition {
    private final UUID topicId;
    private final int partitionId;
    private final int localBrokerId;
    private final long localBrokerEpoch;
    private final int leaderEpoch;
    private final LeaderRecoveryState leaderRecoveryState;
    private final PartitionLog log;
    /** The most record bytes asked for in one fetch ({@code replica.fetch.max.bytes}). */
    private final int fetchMaxBytes;

    private long highWatermark;
    /** The one fetch sent and not yet answered, or null. */
    private FetchPartitionRequest outstanding;

    /**
     * @param highWatermark the HW this replica already knows (its checkpoint); at most the LEO
     * @param leaderRecoveryState RECOVERING when the leader of this epoch was elected uncleanly and
     *     has not finished recovery: only then may a truncation cut below the HW
     */
    public FollowerPartition(UUID topicId, int partitionId, int localBrokerId, long localBrokerEpoch, int leaderEpoch,
            LeaderRecoveryState leaderRecoveryState, PartitionLog log, long highWatermark, int fetchMaxBytes) {
        this.topicId = Objects.requireNonNull(topicId, "topicId");
        this.partitionId = partitionId;
        this.localBrokerId = localBrokerId;
        this.localBrokerEpoch = localBrokerEpoch;
        this.leaderEpoch = leaderEpoch;
        this.leaderRecoveryState = Objects.requireNonNull(leaderRecoveryState, "leaderRecoveryState");
        this.log = Objects.requireNonNull(log, "log");
        if (highWatermark < 0 || highWatermark > log.endOffset()) {
            throw new IllegalArgumentException("high watermark " + highWatermark + " outside [0, " + log.endOffset() + "]");
        }
        if (fetchMaxBytes <= 0) {
            throw new IllegalArgumentException("fetch max bytes must be positive: " + fetchMaxBytes);
        }
        this.highWatermark = highWatermark;
        this.fetchMaxBytes = fetchMaxBytes;
    }

    /** The next fetch: from the LEO, with the last batch's epoch. Replaces any unanswered fetch (a retry). */
    public FetchPartitionRequest buildFetchRequest() {
        int lastFetchedEpoch = log.endOffset() == 0 ? FetchPartitionRequest.NO_LAST_FETCHED_EPOCH : log.latestEpoch();
        outstanding = new FetchPartitionRequest(topicId, partitionId, localBrokerId, localBrokerEpoch, leaderEpoch,
                log.endOffset(), lastFetchedEpoch, fetchMaxBytes);
        return outstanding;
    }

    /** Applies the leader's answer to the outstanding fetch. */
    public FollowerFetchOutcome handleFetchResponse(FetchPartitionResponse response) {
        FetchPartitionRequest request = outstanding;
        if (request == null || request.fetchOffset() != log.endOffset()) {
            return FollowerFetchOutcome.of(FollowerFetchOutcome.Kind.IGNORED_STALE);
        }
        outstanding = null;
        if (response.error().awaitsMetadata()) {
            return FollowerFetchOutcome.of(FollowerFetchOutcome.Kind.AWAITING_METADATA);
        }
        if (response.error() == FetchError.OFFSET_OUT_OF_RANGE) {
            return FollowerFetchOutcome.of(FollowerFetchOutcome.Kind.OFFSET_OUT_OF_RANGE);
        }
        if (response.divergingEpoch().isPresent()) {
            return truncateToDivergence(response.divergingEpoch().get());
        }
        return append(response);
    }

    private FollowerFetchOutcome truncateToDivergence(EpochEndOffset diverging) {
        long logEndOffset = log.endOffset();
        long truncateTo = Math.min(diverging.endOffset(), logEndOffset);
        if (diverging.epoch() != EpochEndOffset.UNDEFINED_EPOCH) {
            truncateTo = Math.min(truncateTo, log.endOffsetForEpoch(diverging.epoch()).endOffset());
        }
        if (truncateTo >= logEndOffset) {
            // Fetching again with the same position would get the same answer forever.
            throw new IllegalArgumentException("diverging epoch " + diverging + " does not cut a log ending at "
                    + logEndOffset);
        }
        if (truncateTo < log.startOffset()) {
            return FollowerFetchOutcome.of(FollowerFetchOutcome.Kind.OFFSET_OUT_OF_RANGE);
        }
        long lost = 0L;
        if (truncateTo < highWatermark) {
            // NoTruncationBelowHW (DESIGN §6): a record below the HW may have been acknowledged with
            // acks=all, so only an unclean election may take it away, and then it is reported.
            if (leaderRecoveryState != LeaderRecoveryState.RECOVERING) {
                throw new IllegalStateException("refusing to truncate " + this + " to " + truncateTo
                        + " below its high watermark " + highWatermark + " after a clean election");
            }
            lost = highWatermark - truncateTo;
            highWatermark = truncateTo;
        }
        log.truncateTo(truncateTo);
        assert log.endOffset() == truncateTo : log.endOffset() + " != " + truncateTo;
        return new FollowerFetchOutcome(FollowerFetchOutcome.Kind.TRUNCATED, 0, truncateTo, lost);
    }

    private FollowerFetchOutcome append(FetchPartitionResponse response) {
        if (!response.records().isEmpty() && response.records().get(0).baseOffset() != log.endOffset()) {
            return FollowerFetchOutcome.of(FollowerFetchOutcome.Kind.IGNORED_STALE);
        }
        for (Batch batch : response.records()) {
            // The leader of this epoch cannot hold a batch of a later epoch.
            if (batch.epoch() > leaderEpoch) {
                throw new IllegalArgumentException(batch + " is newer than leader epoch " + leaderEpoch);
            }
        }
        for (Batch batch : response.records()) {
            log.appendAsFollower(batch);
        }
        // MonotonicHW, and HW <= LEO: the leader's HW may lie past what this replica holds yet.
        highWatermark = Math.max(highWatermark, Math.min(response.highWatermark(), log.endOffset()));
        assert highWatermark <= log.endOffset() : highWatermark + " > " + log.endOffset();
        return new FollowerFetchOutcome(FollowerFetchOutcome.Kind.APPENDED, response.records().size(), -1L, 0L);
    }

    public long highWatermark() {
        return highWatermark;
    }

    public long logEndOffset() {
        return log.endOffset();
    }

    public int leaderEpoch() {
        return leaderEpoch;
    }

    @Override
    public String toString() {
        return "FollowerPartition(" + topicId + "-" + partitionId + ", replica=" + localBrokerId + ", leaderEpoch="
                + leaderEpoch + ", HW=" + highWatermark + ", LEO=" + log.endOffset() + ")";
    }
}
