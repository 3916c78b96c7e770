package io.kraftlet.raft;

import java.util.OptionalInt;

/**
 * No leader is known in this epoch. A voter may have voted in it ({@code votedId}); when the
 * election timer fires, a voter turns Prospective. An observer instead asks a voter (its
 * bootstrap) who leads, every request timeout.
 */
public final class UnattachedState implements EpochState {
    private final int epoch;
    private final OptionalInt votedId;
    private final long electionDeadlineMs;
    /** An observer's pending leader-discovery fetch. */
    PendingRequest discoveryFetch;

    UnattachedState(int epoch, OptionalInt votedId, long electionDeadlineMs) {
        this.epoch = epoch;
        this.votedId = votedId;
        this.electionDeadlineMs = electionDeadlineMs;
    }

    @Override
    public int epoch() {
        return epoch;
    }

    public OptionalInt votedId() {
        return votedId;
    }

    public long electionDeadlineMs() {
        return electionDeadlineMs;
    }

    @Override
    public ElectionState election() {
        return new ElectionState(epoch, votedId, OptionalInt.empty());
    }

    @Override
    public LeaderAndEpoch leaderAndEpoch() {
        return new LeaderAndEpoch(OptionalInt.empty(), epoch);
    }

    @Override
    public String name() {
        return "unattached";
    }

    @Override
    public String toString() {
        return "Unattached(epoch=" + epoch + ", voted=" + votedId + ")";
    }
}
