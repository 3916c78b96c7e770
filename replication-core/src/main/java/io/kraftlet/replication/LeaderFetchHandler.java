package io.kraftlet.replication;

import io.kraftlet.controller.ControllerApi.PartitionChangeProposal;
import io.kraftlet.raft.Batch;
import io.kraftlet.replication.log.EpochEndOffset;
import io.kraftlet.replication.log.PartitionLog;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Answers follower fetches for one partition in one leader epoch (DESIGN.md §4), as Kafka's
 * {@code Partition.fetchRecords} does for a follower: check the epochs, check divergence by
 * leader epoch, check the offset range, then read and record the follower's progress in the
 * leader's {@link Partition} (which may advance the HW and propose an ISR expansion).
 *
 * <p>Pure: reads and returns, the driver sends the response and any ISR proposal. Not
 * thread-safe; called by the thread that owns the partition, which also appends to {@code log}
 * and calls {@link Partition#updateLeaderLogEndOffset} after each append. A new leader epoch
 * gets a new handler, as it gets a new {@link Partition}.
 */
public final class LeaderFetchHandler {
    /**
     * What one fetch produced: the answer for the follower, and the AlterPartition to send if the
     * fetch made the follower eligible for the ISR (Kafka's {@code maybeExpandIsr} on fetch).
     */
    public record Result(FetchPartitionResponse response, boolean highWatermarkAdvanced,
            Optional<PartitionChangeProposal> isrProposal) {
        public Result {
            Objects.requireNonNull(response, "response");
            Objects.requireNonNull(isrProposal, "isrProposal");
        }

        static Result of(FetchPartitionResponse response) {
            return new Result(response, false, Optional.empty());
        }
    }

    private final UUID topicId;
    private final int partitionId;
    private final int localBrokerId;
    private final Partition partition;
    private final PartitionLog log;
    /** The leader's own cap on one answer ({@code replica.fetch.response.max.bytes}); bounds every read. */
    private final int fetchResponseMaxBytes;
    /** ReplicationPlantedBug.HW_FROM_STALE_EPOCH_FETCH; false in production. */
    private boolean acceptsStaleEpochs;

    public LeaderFetchHandler(UUID topicId, int partitionId, int localBrokerId, Partition partition, PartitionLog log,
            int fetchResponseMaxBytes) {
        this.topicId = Objects.requireNonNull(topicId, "topicId");
        this.partitionId = partitionId;
        this.localBrokerId = localBrokerId;
        this.partition = Objects.requireNonNull(partition, "partition");
        this.log = Objects.requireNonNull(log, "log");
        if (fetchResponseMaxBytes <= 0) {
            throw new IllegalArgumentException("fetch response max bytes must be positive: " + fetchResponseMaxBytes);
        }
        this.fetchResponseMaxBytes = fetchResponseMaxBytes;
    }

    /** Switches on ReplicationPlantedBug.HW_FROM_STALE_EPOCH_FETCH, for ReplicationPlantedBugTest only. */
    void plantStaleEpochBug() {
        acceptsStaleEpochs = true;
    }

    /** Answers one follower fetch at {@code nowMs} (the ISR-lag clock of that follower). */
    public Result handleFetchRequest(FetchPartitionRequest request, long nowMs) {
        if (!request.topicId().equals(topicId) || request.partition() != partitionId
                || request.replicaId() == localBrokerId || !partition.replicas().contains(request.replicaId())) {
            return Result.of(FetchPartitionResponse.ofError(FetchError.NOT_LEADER_OR_FOLLOWER));
        }
        if (request.currentLeaderEpoch() < partition.leaderEpoch() && !acceptsStaleEpochs) {
            return Result.of(FetchPartitionResponse.ofError(FetchError.FENCED_LEADER_EPOCH));
        }
        if (request.currentLeaderEpoch() > partition.leaderEpoch()) {
            return Result.of(FetchPartitionResponse.ofError(FetchError.UNKNOWN_LEADER_EPOCH));
        }
        // The leader's Partition must track the log it serves from; a gap means the driver skipped an update.
        assert partition.leaderLogEndOffset() == log.endOffset()
                : "Partition LEO " + partition.leaderLogEndOffset() + " != log LEO " + log.endOffset();
        long fetchOffset = request.fetchOffset();
        if (request.lastFetchedEpoch() != FetchPartitionRequest.NO_LAST_FETCHED_EPOCH) {
            Optional<EpochEndOffset> diverging = divergingEpoch(request.lastFetchedEpoch(), fetchOffset);
            if (diverging.isPresent()) {
                // No progress is recorded: the follower's LEO is not a prefix of this log until it truncates.
                return Result.of(FetchPartitionResponse.ofDivergingEpoch(partition.highWatermark(),
                        log.startOffset(), diverging.get()));
            }
        }
        if (fetchOffset < log.startOffset() || fetchOffset > log.endOffset()) {
            return Result.of(FetchPartitionResponse.ofError(FetchError.OFFSET_OUT_OF_RANGE));
        }
        List<Batch> records = log.read(fetchOffset, Math.min(request.maxBytes(), fetchResponseMaxBytes));
        // The fetch offset is the follower's LEO: everything below it matches this log (checked above).
        boolean advanced = partition.updateFollowerFetch(request.replicaId(), request.replicaBrokerEpoch(),
                fetchOffset, log.endOffset(), nowMs);
        Optional<PartitionChangeProposal> proposal = partition.maybeExpandIsr(request.replicaId());
        FetchPartitionResponse response = FetchPartitionResponse.ofRecords(partition.highWatermark(),
                log.startOffset(), records);
        return new Result(response, advanced, proposal);
    }

    /**
     * Kafka's divergence rule: the follower diverges if this log's epoch for its last fetched epoch
     * is a different (older) epoch, or ends before the follower's LEO.
     */
    private Optional<EpochEndOffset> divergingEpoch(int lastFetchedEpoch, long fetchOffset) {
        EpochEndOffset endOffset = log.endOffsetForEpoch(lastFetchedEpoch);
        if (endOffset.epoch() == EpochEndOffset.UNDEFINED_EPOCH) {
            // The follower's last epoch is older than this log's start: everything at or below the log
            // start is committed, so only a tail above it can be divergent. Below the start, the range
            // check answers OFFSET_OUT_OF_RANGE.
            return fetchOffset > log.startOffset() ? Optional.of(endOffset) : Optional.empty();
        }
        if (endOffset.epoch() != lastFetchedEpoch || endOffset.endOffset() < fetchOffset) {
            return Optional.of(endOffset);
        }
        return Optional.empty();
    }
}
