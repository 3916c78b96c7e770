package io.kraftlet.raft;

import java.util.OptionalInt;

/**
 * Pre-vote: the node asks whether it could win an election in {@code epoch + 1} without
 * bumping its epoch, so a node cut off from a healthy leader cannot disrupt it when it
 * returns. A majority of pre-votes makes it a Candidate; losing, or the timer firing, makes it
 * back off and try again.
 */
public final class ProspectiveState implements EpochState {
    private final int epoch;
    private final OptionalInt votedId;
    private final VoteTally preVotes;
    private final long electionDeadlineMs;
    private final int retries;
    private long backoffUntilMs = Long.MAX_VALUE;
    /** Pre-vote answers with a smaller correlation id belong to an earlier round. */
    long firstCorrelationId;

    /**
     * The leader of this epoch the node followed before it gave up on it. Hearsay that this
     * leader lives (a voter naming it) does not send the node back to it; only an answer from
     * that leader itself does. Otherwise voters that each timed out at different moments
     * would keep sending each other back to a dead leader.
     */
    private final OptionalInt abandonedLeaderId;

    ProspectiveState(int epoch, OptionalInt votedId, OptionalInt abandonedLeaderId, VoteTally preVotes,
            long electionDeadlineMs, int retries) {
        this.epoch = epoch;
        this.abandonedLeaderId = abandonedLeaderId;
        this.votedId = votedId;
        this.preVotes = preVotes;
        this.electionDeadlineMs = electionDeadlineMs;
        this.retries = retries;
    }

    @Override
    public int epoch() {
        return epoch;
    }

    VoteTally preVotes() {
        return preVotes;
    }

    public long electionDeadlineMs() {
        return electionDeadlineMs;
    }

    public int retries() {
        return retries;
    }

    boolean backingOff() {
        return backoffUntilMs != Long.MAX_VALUE;
    }

    long backoffUntilMs() {
        return backoffUntilMs;
    }

    void startBackoff(long untilMs) {
        backoffUntilMs = untilMs;
    }

    @Override
    public ElectionState election() {
        return new ElectionState(epoch, votedId, OptionalInt.empty());
    }

    @Override
    public LeaderAndEpoch leaderAndEpoch() {
        return new LeaderAndEpoch(OptionalInt.empty(), epoch);
    }

    public OptionalInt votedId() {
        return votedId;
    }

    public OptionalInt abandonedLeaderId() {
        return abandonedLeaderId;
    }

    @Override
    public String name() {
        return "prospective";
    }

    @Override
    public String toString() {
        return "Prospective(epoch=" + epoch + ", " + preVotes + ", retries=" + retries + ")";
    }
}
