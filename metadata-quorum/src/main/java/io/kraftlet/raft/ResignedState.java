package io.kraftlet.raft;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A leader that gave up its epoch (graceful shutdown, or check-quorum failed). It tells the
 * voters with EndQuorumEpoch, naming preferred successors, and resends until each answers.
 * It no longer accepts appends or serves fetches, and grants votes for a later epoch. If no
 * new leader appears before its election timer fires, it becomes Prospective itself.
 */
public final class ResignedState implements EpochState {
    private final int epoch;
    private final int nodeId;
    private final List<Integer> preferredSuccessors;
    private final Set<Integer> unacknowledged;
    private final long electionDeadlineMs;
    long resendAtMs;

    ResignedState(int epoch, int nodeId, List<Integer> preferredSuccessors, long electionDeadlineMs) {
        this.epoch = epoch;
        this.nodeId = nodeId;
        this.preferredSuccessors = List.copyOf(preferredSuccessors);
        this.unacknowledged = new TreeSet<>(preferredSuccessors);
        this.electionDeadlineMs = electionDeadlineMs;
    }

    @Override
    public int epoch() {
        return epoch;
    }

    public List<Integer> preferredSuccessors() {
        return preferredSuccessors;
    }

    Set<Integer> unacknowledged() {
        return unacknowledged;
    }

    public long electionDeadlineMs() {
        return electionDeadlineMs;
    }

    @Override
    public ElectionState election() {
        return ElectionState.withLeader(epoch, nodeId, java.util.OptionalInt.of(nodeId));
    }

    @Override
    public LeaderAndEpoch leaderAndEpoch() {
        // The resigned leader no longer leads; report no leader so clients look elsewhere.
        return new LeaderAndEpoch(java.util.OptionalInt.empty(), epoch);
    }

    @Override
    public String name() {
        return "resigned";
    }

    @Override
    public String toString() {
        return "Resigned(epoch=" + epoch + ", successors=" + preferredSuccessors + ")";
    }
}
