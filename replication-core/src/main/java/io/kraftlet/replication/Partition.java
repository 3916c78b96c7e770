package io.kraftlet.replication;

import io.kraftlet.controller.ControllerApi.BrokerState;
import io.kraftlet.controller.ControllerApi.PartitionChangeProposal;
import io.kraftlet.controller.ControllerApi.PartitionChangeResult;
import io.kraftlet.controller.ControllerError;
import io.kraftlet.image.PartitionRegistration;
import io.kraftlet.metadata.LeaderRecoveryState;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The leader-side state of one partition replica in one leader epoch (DESIGN.md §4): partition
 * epoch, replicas, the ISR as an {@link IsrState} (committed, or with one AlterPartition in
 * flight), the followers' log end offsets and last caught-up times, and the high watermark.
 *
 * <p>Rules, as Kafka's {@code Partition} applies them:
 * <ul>
 *   <li>HW = min LEO over the maximal ISR; it does not advance while |ISR| &lt; min.insync.replicas
 *       and never moves backwards.
 *   <li>A follower not caught up to the leader's LEO within {@code replica.lag.time.max.ms} is
 *       proposed for removal; one that reached the HW and the start offset of this leader epoch
 *       is proposed for addition (not while the leader is RECOVERING). One proposal in flight.
 *   <li>The controller's answer, or a newer partition epoch in the image, wins.
 * </ul>
 * Pure: time comes in as {@code nowMs}, effects go out as return values. A new leader epoch is a
 * new {@code Partition} ({@link #becomeLeader}).
 *
 * <p>Not thread-safe; owned by one driver thread.
 */
public final class Partition {
    private final UUID topicId;
    private final int partitionId;
    private final int localBrokerId;
    private final long localBrokerEpoch;
    private final int leaderEpoch;
    /** The leader's LEO when this epoch began: a follower joins the ISR only once it holds it. */
    private final long leaderEpochStartOffset;
    /** Follower states by replica id; a TreeMap so that iteration, and so proposals, are deterministic. */
    private final TreeMap<Integer, FollowerState> followers = new TreeMap<>();

    private int partitionEpoch;
    private List<Integer> replicas;
    private LeaderRecoveryState leaderRecoveryState;
    private int minInsyncReplicas;
    private IsrState isrState;
    /** The AlterPartition in flight, or null; non-null exactly when {@link #isrState} is pending. */
    private PartitionChangeProposal inFlight;
    private long leaderLogEndOffset;
    private long highWatermark;
    /** Whether a replica may join the ISR now (the driver's view: registered, unfenced, not shutting down). */
    private java.util.function.IntPredicate expansionEligible = id -> true;
    /** Test-only deliberate bugs (ReplicationPlantedBugTest); empty in production. */
    private java.util.Set<ReplicationPlantedBug> plantedBugs = java.util.EnumSet.noneOf(ReplicationPlantedBug.class);

    private Partition(UUID topicId, int partitionId, int localBrokerId, long localBrokerEpoch,
            PartitionRegistration registration, long logEndOffset, long highWatermark, int minInsyncReplicas) {
        this.topicId = topicId;
        this.partitionId = partitionId;
        this.localBrokerId = localBrokerId;
        this.localBrokerEpoch = localBrokerEpoch;
        this.leaderEpoch = registration.leaderEpoch();
        this.leaderEpochStartOffset = logEndOffset;
        this.leaderLogEndOffset = logEndOffset;
        this.highWatermark = highWatermark;
        this.minInsyncReplicas = minInsyncReplicas;
        takeRegistration(registration);
    }

    /**
     * The leader state of a new leader epoch, from the image that made this broker the leader.
     *
     * @param logEndOffset the local log's LEO now: the start offset of this leader epoch
     * @param highWatermark the local log's HW (the leader never lowers it)
     * @param nowMs ISR members get a full {@code replica.lag.time.max.ms} from now to fetch
     */
    public static Partition becomeLeader(UUID topicId, int partitionId, int localBrokerId, long localBrokerEpoch,
            PartitionRegistration registration, long logEndOffset, long highWatermark, int minInsyncReplicas,
            long nowMs) {
        if (registration.leader() != localBrokerId) {
            throw new IllegalArgumentException("broker " + localBrokerId + " is not the leader of " + registration);
        }
        if (highWatermark < 0 || highWatermark > logEndOffset) {
            throw new IllegalArgumentException("high watermark " + highWatermark + " outside [0, " + logEndOffset + "]");
        }
        if (minInsyncReplicas < 1) {
            throw new IllegalArgumentException("min.insync.replicas must be at least 1: " + minInsyncReplicas);
        }
        Partition partition = new Partition(topicId, partitionId, localBrokerId, localBrokerEpoch, registration,
                logEndOffset, highWatermark, minInsyncReplicas);
        for (int id : partition.isrState.isr()) {
            if (id != localBrokerId) {
                partition.followers.put(id, new FollowerState(id, nowMs));
            }
        }
        partition.checkInvariants();
        return partition;
    }

    /** The local log grew (an append); the HW may move when the ISR is the leader alone. */
    public boolean updateLeaderLogEndOffset(long logEndOffset) {
        if (logEndOffset < leaderLogEndOffset) {
            throw new IllegalArgumentException("leader LEO moved back: " + leaderLogEndOffset + " -> " + logEndOffset);
        }
        leaderLogEndOffset = logEndOffset;
        return maybeIncrementHighWatermark();
    }

    /**
     * A follower fetched at {@code fetchOffset} (its LEO) while the leader's LEO was
     * {@code leaderLogEndOffset}. The caller has checked the fetch (epochs, offset range).
     *
     * @return whether the HW advanced
     */
    public boolean updateFollowerFetch(int replicaId, long brokerEpoch, long fetchOffset, long leaderLogEndOffset,
            long nowMs) {
        FollowerState follower = followers.get(replicaId);
        if (follower == null) {
            throw new IllegalArgumentException("replica " + replicaId + " does not follow " + this);
        }
        if (fetchOffset < 0 || fetchOffset > leaderLogEndOffset) {
            throw new IllegalArgumentException("fetch offset " + fetchOffset + " outside [0, " + leaderLogEndOffset + "]");
        }
        updateLeaderLogEndOffset(leaderLogEndOffset);
        follower.onFetch(fetchOffset, brokerEpoch, leaderLogEndOffset, nowMs);
        return maybeIncrementHighWatermark();
    }

    /** Moves the HW to the minimum LEO of the maximal ISR, if that is higher and the ISR is large enough. */
    public boolean maybeIncrementHighWatermark() {
        // DESIGN §6: no HW advance while |ISR| < min.insync.replicas, so that members dropped from the
        // ISR still hold everything below the HW and may be elected from the ELR.
        if (isUnderMinIsr() && !plantedBugs.contains(ReplicationPlantedBug.HW_ADVANCE_UNDER_MIN_ISR)) {
            return false;
        }
        long candidate = leaderLogEndOffset;
        for (int id : isrState.maximalIsr()) {
            if (id != localBrokerId) {
                candidate = Math.min(candidate, followers.get(id).logEndOffset());
            }
        }
        if (candidate <= highWatermark) {
            return false;
        }
        // HW is monotonic: a record below the HW may have been acknowledged or read.
        assert candidate > highWatermark : candidate + " <= " + highWatermark;
        highWatermark = candidate;
        checkInvariants();
        return true;
    }

    /** Proposes removing the ISR members that have not caught up within {@code replicaLagTimeMaxMs}. */
    public Optional<PartitionChangeProposal> maybeShrinkIsr(long nowMs, long replicaLagTimeMaxMs) {
        if (inFlight != null) {
            return Optional.empty();
        }
        Set<Integer> outOfSync = new TreeSet<>();
        for (int id : isrState.isr()) {
            if (id != localBrokerId && !followers.get(id).isCaughtUp(leaderLogEndOffset, nowMs, replicaLagTimeMaxMs)) {
                outOfSync.add(id);
            }
        }
        if (outOfSync.isEmpty()) {
            return Optional.empty();
        }
        IsrState.PendingShrink pending = new IsrState.PendingShrink(isrState.isr(), outOfSync);
        return Optional.of(propose(pending, pending.proposedIsr(), leaderRecoveryState));
    }

    /**
     * Proposes adding {@code replicaId} if it reached the HW and the start offset of this leader
     * epoch (so it holds every record this leader may have acknowledged).
     */
    public Optional<PartitionChangeProposal> maybeExpandIsr(int replicaId) {
        FollowerState follower = followers.get(replicaId);
        if (inFlight != null || follower == null || isrState.isr().contains(replicaId)
                || leaderRecoveryState == LeaderRecoveryState.RECOVERING || !expansionEligible.test(replicaId)) {
            return Optional.empty();
        }
        long followerLogEndOffset = follower.logEndOffset();
        long required = plantedBugs.contains(ReplicationPlantedBug.EXPAND_BEFORE_EPOCH_START) ? highWatermark
                : Math.max(highWatermark, leaderEpochStartOffset);
        if (followerLogEndOffset < required || followerLogEndOffset < 0) {
            return Optional.empty();
        }
        IsrState.PendingExpand pending = new IsrState.PendingExpand(isrState.isr(), replicaId);
        return Optional.of(propose(pending, pending.proposedIsr(), leaderRecoveryState));
    }

    /**
     * A leader elected uncleanly starts RECOVERING; once it leads, its log is the partition's truth,
     * so it proposes RECOVERED with itself as the ISR (Kafka's KIP-704 recovery). Until the
     * controller agrees, nobody joins the ISR.
     */
    public Optional<PartitionChangeProposal> maybeCompleteRecovery() {
        if (inFlight != null || leaderRecoveryState != LeaderRecoveryState.RECOVERING) {
            return Optional.empty();
        }
        IsrState.PendingRecovery pending = new IsrState.PendingRecovery(isrState.isr());
        return Optional.of(propose(pending, pending.isr(), LeaderRecoveryState.RECOVERED));
    }

    /**
     * The controller's answer to {@code answered}. A success for the proposal in flight becomes
     * the committed state unless it is older than the state held; errors are handled as Kafka's
     * {@code Partition.handleAlterPartitionError} does.
     */
    public AlterPartitionOutcome handleAlterPartitionResponse(PartitionChangeProposal answered,
            PartitionChangeResult result) {
        if (!result.topicId().equals(topicId) || result.partition() != partitionId) {
            throw new IllegalArgumentException("answer for " + result.topicId() + "-" + result.partition()
                    + " given to " + this);
        }
        if (inFlight == null || !inFlight.equals(answered)) {
            return AlterPartitionOutcome.IGNORED_STALE;
        }
        if (!result.error().isSuccess()) {
            return handleAlterPartitionError(result.error().error());
        }
        if (result.leaderEpoch() != leaderEpoch || result.partitionEpoch() < partitionEpoch) {
            return AlterPartitionOutcome.IGNORED_STALE;
        }
        partitionEpoch = result.partitionEpoch();
        leaderRecoveryState = result.leaderRecoveryState();
        isrState = new IsrState.Committed(result.isr());
        inFlight = null;
        maybeIncrementHighWatermark();
        checkInvariants();
        return AlterPartitionOutcome.APPLIED;
    }

    private AlterPartitionOutcome handleAlterPartitionError(ControllerError error) {
        if (error == ControllerError.INELIGIBLE_REPLICA || error == ControllerError.INVALID_REQUEST) {
            // The controller refused this ISR for good; the committed ISR still holds, and the next
            // maybeShrinkIsr / maybeExpandIsr recomputes a proposal from fresh state.
            isrState = new IsrState.Committed(isrState.isr());
            inFlight = null;
            checkInvariants();
            return AlterPartitionOutcome.REVERTED;
        }
        if (error.retriable()) {
            return AlterPartitionOutcome.RETRY;
        }
        // FENCED_LEADER_EPOCH, INVALID_UPDATE_VERSION, NOT_LEADER_OR_FOLLOWER, UNKNOWN_*: the controller
        // holds a newer state than this leader; stay pending (the maximal ISR is the safe side) until the
        // image brings it.
        return AlterPartitionOutcome.AWAITING_METADATA;
    }

    /** The partition's registration from a new image: a newer partition epoch wins over any proposal in flight. */
    public ImageOutcome applyImage(PartitionRegistration registration) {
        if (registration.leaderEpoch() < leaderEpoch) {
            return ImageOutcome.IGNORED_STALE;
        }
        if (registration.leaderEpoch() > leaderEpoch || registration.leader() != localBrokerId) {
            return ImageOutcome.LEADERSHIP_CHANGED;
        }
        if (registration.partitionEpoch() <= partitionEpoch) {
            return ImageOutcome.IGNORED_STALE;
        }
        takeRegistration(registration);
        maybeIncrementHighWatermark();
        checkInvariants();
        return ImageOutcome.APPLIED;
    }

    /** A new {@code min.insync.replicas} for the topic. */
    public boolean updateMinInsyncReplicas(int minInsyncReplicas) {
        if (minInsyncReplicas < 1) {
            throw new IllegalArgumentException("min.insync.replicas must be at least 1: " + minInsyncReplicas);
        }
        this.minInsyncReplicas = minInsyncReplicas;
        return maybeIncrementHighWatermark();
    }

    /** Whether acks=all must be refused and the HW held: the committed ISR is smaller than min.insync.replicas. */
    public boolean isUnderMinIsr() {
        return isrState.isr().size() < minInsyncReplicas;
    }

    /** The produce checks before an append (DESIGN §4 acks). */
    public ReplicationError checkProduce(int acks) {
        return ProduceAcks.checkBeforeAppend(acks, isrState.isr().size(), minInsyncReplicas);
    }

    /** Takes the registration's epochs, replicas and committed ISR; a new replica starts never caught up. */
    private void takeRegistration(PartitionRegistration registration) {
        partitionEpoch = registration.partitionEpoch();
        replicas = registration.replicas();
        leaderRecoveryState = registration.leaderRecoveryState();
        isrState = new IsrState.Committed(registration.isr());
        inFlight = null;
        followers.keySet().retainAll(replicas);
        for (int id : replicas) {
            if (id != localBrokerId) {
                followers.computeIfAbsent(id, newId -> new FollowerState(newId, 0L));
            }
        }
    }

    private PartitionChangeProposal propose(IsrState pending, List<Integer> proposedIsr,
            LeaderRecoveryState proposedRecoveryState) {
        List<BrokerState> members = proposedIsr.stream()
                .map(id -> new BrokerState(id, id == localBrokerId ? localBrokerEpoch : followers.get(id).brokerEpoch()))
                .toList();
        isrState = pending;
        inFlight = new PartitionChangeProposal(topicId, partitionId, leaderEpoch, partitionEpoch, members,
                proposedRecoveryState);
        if (pending instanceof IsrState.PendingExpand expand && plantedBugs.isEmpty()) {
            // A member joins holding everything the leader may have acknowledged (StrongIsr, DESIGN §6).
            assert followers.get(expand.adding()).logEndOffset() >= highWatermark : expand;
        }
        checkInvariants();
        return inFlight;
    }

    private void checkInvariants() {
        // LeaderInIsr: the leader serves from an ISR it belongs to, and never proposes to leave it.
        assert isrState.isr().contains(localBrokerId) : "leader " + localBrokerId + " not in " + isrState;
        assert isrState.maximalIsr().contains(localBrokerId) : "leader " + localBrokerId + " leaves in " + isrState;
        // ISR ⊆ replicas: neither the controller nor this leader puts a non-replica in the ISR.
        assert replicas.containsAll(isrState.maximalIsr()) : isrState + " not within replicas " + replicas;
        // The leader never exposes a record it does not hold.
        assert highWatermark <= leaderLogEndOffset : "HW " + highWatermark + " > LEO " + leaderLogEndOffset;
        // One AlterPartition in flight per partition, exactly while the ISR state is pending.
        assert (inFlight != null) == isrState.inFlight() : inFlight + " / " + isrState;
    }

    /**
     * Replicas the controller would refuse (fenced, shutting down, unknown) are not proposed for
     * the ISR (Kafka's {@code isReplicaIsrEligible}): the proposal would only come back
     * INELIGIBLE_REPLICA, on every fetch.
     */
    public void setExpansionEligibility(java.util.function.IntPredicate eligible) {
        this.expansionEligible = java.util.Objects.requireNonNull(eligible, "eligible");
    }

    /** Switches on deliberate bugs, for ReplicationPlantedBugTest only. */
    void plantBugs(java.util.Set<ReplicationPlantedBug> bugs) {
        this.plantedBugs = bugs.isEmpty() ? java.util.EnumSet.noneOf(ReplicationPlantedBug.class)
                : java.util.EnumSet.copyOf(bugs);
    }

    public UUID topicId() {
        return topicId;
    }

    public int partitionId() {
        return partitionId;
    }

    public int minInsyncReplicas() {
        return minInsyncReplicas;
    }

    public LeaderRecoveryState leaderRecoveryState() {
        return leaderRecoveryState;
    }

    /** The proposal in flight (to send again after a RETRY), if any. */
    public Optional<PartitionChangeProposal> inFlightProposal() {
        return Optional.ofNullable(inFlight);
    }

    /** The follower's LEO as of its last fetch in this leader epoch; -1 before its first fetch. */
    public long followerLogEndOffset(int replicaId) {
        return followers.get(replicaId).logEndOffset();
    }

    public long followerLastCaughtUpTimeMs(int replicaId) {
        return followers.get(replicaId).lastCaughtUpTimeMs();
    }

    public IsrState isrState() {
        return isrState;
    }

    public List<Integer> replicas() {
        return replicas;
    }

    public int leaderEpoch() {
        return leaderEpoch;
    }

    public int partitionEpoch() {
        return partitionEpoch;
    }

    public long leaderEpochStartOffset() {
        return leaderEpochStartOffset;
    }

    public long leaderLogEndOffset() {
        return leaderLogEndOffset;
    }

    public long highWatermark() {
        return highWatermark;
    }

    @Override
    public String toString() {
        return "Partition(" + topicId + "-" + partitionId + ", leader=" + localBrokerId + ", leaderEpoch=" + leaderEpoch
                + ", partitionEpoch=" + partitionEpoch + ", " + isrState + ", HW=" + highWatermark + ", LEO="
                + leaderLogEndOffset + ")";
    }
}
