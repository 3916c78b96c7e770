package io.kraftlet.raft;

import java.io.ByteArrayOutputStream;
import java.util.OptionalInt;

/**
 * The node knows the leader of {@code epoch} and pulls the log from it. A voter that has not
 * had a successful fetch for the fetch timeout turns Prospective; an observer goes back to
 * discovering the leader. After the leader announced its resignation (EndQuorumEpoch) the
 * follower no longer counts it as live, so it grants pre-votes.
 */
public final class FollowerState implements EpochState {
    private final int epoch;
    private final int leaderId;
    private final OptionalInt votedId;
    private long fetchDeadlineMs;
    private boolean leaderEnded;
    /** The fetch (or snapshot fetch) in flight to the leader; at most one at a time. */
    PendingRequest inFlight;
    /** Earliest time of the next fetch after an error answer. */
    long retryAtMs;
    /** Set while the follower loads a snapshot from the leader instead of fetching batches. */
    SnapshotFetch snapshotFetch;

    /** Progress of loading one snapshot; bytes accumulate until the last chunk arrives. */
    static final class SnapshotFetch {
        final SnapshotId id;
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        SnapshotFetch(SnapshotId id) {
            this.id = id;
        }
    }

    FollowerState(int epoch, int leaderId, OptionalInt votedId, long fetchDeadlineMs) {
        this.epoch = epoch;
        this.leaderId = leaderId;
        this.votedId = votedId;
        this.fetchDeadlineMs = fetchDeadlineMs;
    }

    @Override
    public int epoch() {
        return epoch;
    }

    public int leaderId() {
        return leaderId;
    }

    public long fetchDeadlineMs() {
        return fetchDeadlineMs;
    }

    void resetFetchDeadline(long deadlineMs) {
        if (!leaderEnded) {
            fetchDeadlineMs = deadlineMs;
        }
    }

    /** The leader resigned: give up on it by {@code deadlineMs} and grant pre-votes meanwhile. */
    void markLeaderEnded(long deadlineMs) {
        leaderEnded = true;
        fetchDeadlineMs = Math.min(fetchDeadlineMs, deadlineMs);
    }

    /** Whether this follower still believes in a live leader (the pre-vote rule). */
    boolean hasLiveLeader(long nowMs) {
        return !leaderEnded && nowMs < fetchDeadlineMs;
    }

    @Override
    public ElectionState election() {
        return ElectionState.withLeader(epoch, leaderId, votedId);
    }

    /** The leader, or none once it announced it resigned: nobody should be sent to it then. */
    @Override
    public LeaderAndEpoch leaderAndEpoch() {
        return leaderEnded ? new LeaderAndEpoch(OptionalInt.empty(), epoch) : LeaderAndEpoch.of(leaderId, epoch);
    }

    @Override
    public String name() {
        return "follower";
    }

    @Override
    public String toString() {
        return "Follower(epoch=" + epoch + ", leader=" + leaderId + (leaderEnded ? ", ended" : "") + ")";
    }
}
