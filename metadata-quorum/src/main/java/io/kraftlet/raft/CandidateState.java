package io.kraftlet.raft;

import java.util.OptionalInt;

/**
 * A real election in {@code epoch}: the node voted for itself (persisted) and asks every voter.
 * A majority makes it Leader; losing, or the timer firing, sends it back to Prospective after
 * an exponential, randomized back-off.
 */
public final class CandidateState implements EpochState {
    private final int epoch;
    private final int nodeId;
    private final VoteTally votes;
    private final long electionDeadlineMs;
    private final int retries;
    private long backoffUntilMs = Long.MAX_VALUE;

    CandidateState(int epoch, int nodeId, VoteTally votes, long electionDeadlineMs, int retries) {
        this.epoch = epoch;
        this.nodeId = nodeId;
        this.votes = votes;
        this.electionDeadlineMs = electionDeadlineMs;
        this.retries = retries;
    }

    @Override
    public int epoch() {
        return epoch;
    }

    VoteTally votes() {
        return votes;
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
        return ElectionState.withVote(epoch, nodeId);
    }

    @Override
    public LeaderAndEpoch leaderAndEpoch() {
        return new LeaderAndEpoch(OptionalInt.empty(), epoch);
    }

    @Override
    public String name() {
        return "candidate";
    }

    @Override
    public String toString() {
        return "Candidate(epoch=" + epoch + ", " + votes + ", retries=" + retries + ")";
    }
}
