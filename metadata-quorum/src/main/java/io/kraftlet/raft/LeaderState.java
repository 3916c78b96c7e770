package io.kraftlet.raft;

import io.kraftlet.raft.message.FetchRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The node leads {@code epoch}. It opened the epoch with a leader-change record at
 * {@code epochStartOffset}, tracks what every voter and observer has fetched, computes the high
 * watermark from voters only, collects appends into batches, holds fetches that have nothing
 * to return (long-poll), and resigns when a majority stops fetching (check-quorum).
 */
public final class LeaderState implements EpochState {
    /** A fetch held until data arrives, the high watermark moves, or its wait expires. */
    record ParkedFetch(int replicaId, FetchRequest request, long deadlineMs) {
    }

    private final int epoch;
    private final int nodeId;
    private final long epochStartOffset;
    private final long electedAtMs;
    private final VoterSet voters;
    private final int maxObservers;
    private final SortedMap<Integer, ReplicaProgress> voterProgress = new TreeMap<>();
    private final Map<Integer, ReplicaProgress> observerProgress;
    private final Set<Integer> unackedBeginQuorum = new TreeSet<>();
    private final Map<Integer, ParkedFetch> parkedFetches = new HashMap<>();
    private final BatchAccumulator accumulator;
    long beginQuorumResendAtMs;

    LeaderState(int epoch, int nodeId, long epochStartOffset, VoterSet voters, RaftConfig config, long nowMs) {
        this.epoch = epoch;
        this.nodeId = nodeId;
        this.epochStartOffset = epochStartOffset;
        this.electedAtMs = nowMs;
        this.voters = voters;
        this.maxObservers = config.maxObservers();
        for (int voter : voters.ids()) {
            voterProgress.put(voter, new ReplicaProgress());
            if (voter != nodeId) {
                unackedBeginQuorum.add(voter);
            }
        }
        // Access order, so the observer seen least recently is the one forgotten at the bound.
        this.observerProgress = new LinkedHashMap<>(16, 0.75f, true);
        // The leader-change record takes epochStartOffset; user appends follow it.
        this.accumulator = new BatchAccumulator(epoch, epochStartOffset + 1, config.appendLingerMs(),
                config.batchMaxBytes());
    }

    @Override
    public int epoch() {
        return epoch;
    }

    public long epochStartOffset() {
        return epochStartOffset;
    }

    BatchAccumulator accumulator() {
        return accumulator;
    }

    Set<Integer> unackedBeginQuorum() {
        return unackedBeginQuorum;
    }

    Map<Integer, ParkedFetch> parkedFetches() {
        return parkedFetches;
    }

    public SortedMap<Integer, ReplicaProgress> voterProgress() {
        return Collections.unmodifiableSortedMap(voterProgress);
    }

    public Map<Integer, ReplicaProgress> observerProgress() {
        return Collections.unmodifiableMap(new TreeMap<>(observerProgress));
    }

    void updateOwnEndOffset(long flushedEndOffset, long nowMs) {
        voterProgress.get(nodeId).setOwnEndOffset(flushedEndOffset, nowMs);
    }

    /** Records a valid fetch; a fetch from a voter also acknowledges BeginQuorumEpoch. */
    void updateReplica(int replicaId, long fetchOffset, long leaderEndOffset, long nowMs) {
        ReplicaProgress progress = voterProgress.get(replicaId);
        if (progress != null) {
            unackedBeginQuorum.remove(replicaId);
        } else {
            progress = observerProgress.computeIfAbsent(replicaId, id -> new ReplicaProgress());
            if (observerProgress.size() > maxObservers) {
                Integer eldest = observerProgress.keySet().iterator().next();
                observerProgress.remove(eldest);
            }
        }
        progress.onFetch(fetchOffset, leaderEndOffset, nowMs);
    }

    /** A voter answered or fetched: stop resending BeginQuorumEpoch to it. */
    void acknowledgeBeginQuorum(int voterId) {
        unackedBeginQuorum.remove(voterId);
    }

    /**
     * The high watermark a majority of voters supports: the largest offset that a majority has
     * durably. Observers never count. The leader commits a record of its own epoch first, so an
     * offset at or below the epoch start offset is never returned; a previous epoch's entries
     * become committed only together with this epoch's leader-change record.
     */
    OptionalLong computeHighWatermark(long currentHighWatermark, Set<PlantedBug> bugs) {
        List<Long> offsets = new ArrayList<>();
        for (ReplicaProgress progress : voterProgress.values()) {
            offsets.add(progress.endOffset());
        }
        if (bugs.contains(PlantedBug.HW_COUNTS_OBSERVERS)) {
            for (ReplicaProgress progress : observerProgress.values()) {
                offsets.add(progress.endOffset());
            }
        }
        offsets.sort(Comparator.reverseOrder());
        long candidate = offsets.get(voters.majority() - 1);
        boolean ownEpochCommitted = candidate > epochStartOffset || bugs.contains(PlantedBug.NO_OWN_EPOCH_COMMIT_RULE);
        if (ownEpochCommitted && candidate > currentHighWatermark) {
            return OptionalLong.of(candidate);
        }
        return OptionalLong.empty();
    }

    /**
     * Check-quorum: true when fewer than a majority of voters (the leader included) fetched
     * within {@code timeoutMs}. A new leader gets one full period before it is judged.
     */
    boolean lostQuorum(long nowMs, long timeoutMs) {
        if (nowMs - electedAtMs < timeoutMs) {
            return false;
        }
        int live = 0;
        for (Map.Entry<Integer, ReplicaProgress> entry : voterProgress.entrySet()) {
            if (entry.getKey() == nodeId || nowMs - entry.getValue().lastFetchMs() < timeoutMs) {
                live++;
            }
        }
        return live < voters.majority();
    }

    /**
     * When check-quorum must next be evaluated: the moment the leader would lose its quorum if
     * no further fetch arrived, and never before the new leader's grace period ends. Voters stop
     * counting one by one as their last fetch ages past the timeout; the quorum is lost when
     * fewer than {@code majority - 1} other voters still count.
     */
    long nextCheckQuorumMs(long nowMs, long timeoutMs) {
        List<Long> expiries = new ArrayList<>();
        for (Map.Entry<Integer, ReplicaProgress> entry : voterProgress.entrySet()) {
            long lastFetchMs = entry.getValue().lastFetchMs();
            if (entry.getKey() != nodeId && lastFetchMs >= 0 && lastFetchMs + timeoutMs > nowMs) {
                expiries.add(lastFetchMs + timeoutMs);
            }
        }
        Collections.sort(expiries);
        int othersNeeded = voters.majority() - 1;
        if (othersNeeded == 0) {
            return Long.MAX_VALUE; // a single voter is its own majority
        }
        long lostAtMs = expiries.size() < othersNeeded ? nowMs : expiries.get(expiries.size() - othersNeeded);
        return Math.max(lostAtMs, electedAtMs + timeoutMs);
    }

    /** Other voters, most caught up first: whom a resigning leader names as successors. */
    List<Integer> preferredSuccessors() {
        List<Integer> others = new ArrayList<>();
        for (int voter : voters.ids()) {
            if (voter != nodeId) {
                others.add(voter);
            }
        }
        others.sort(Comparator.comparingLong((Integer id) -> -voterProgress.get(id).endOffset())
                .thenComparing(Comparator.naturalOrder()));
        return others;
    }

    @Override
    public ElectionState election() {
        return ElectionState.withLeader(epoch, nodeId, OptionalInt.of(nodeId));
    }

    @Override
    public LeaderAndEpoch leaderAndEpoch() {
        return LeaderAndEpoch.of(nodeId, epoch);
    }

    @Override
    public String name() {
        return "leader";
    }

    @Override
    public String toString() {
        return "Leader(epoch=" + epoch + ", start=" + epochStartOffset + ")";
    }
}
