package io.kraftlet.raft;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;

/**
 * The only place a node changes role. It holds the current {@link EpochState}, checks every
 * transition against the table below (an illegal one throws {@link IllegalStateException}),
 * and records the {@link ElectionState} the driver must persist before anything that depends
 * on it is sent.
 *
 * <p>Legal transitions ("same" = same epoch, "higher" = a larger epoch, "next" = epoch + 1):
 * <pre>
 * from \ to    Unattached         Prospective        Candidate   Leader   Follower          Resigned
 * Unattached   higher; same to    same (voter)       -           -        same or higher    -
 *              record a vote
 * Prospective  higher; same to    same (retry)       next        -        same or higher    -
 *              record a vote
 * Candidate    higher             same (lost)        -           same     same or higher    -
 * Leader       higher             -                  -           -        higher            same
 * Follower     higher; same for   same (voter)       -           -        higher            -
 *              an observer
 * Resigned     higher             same (timeout)     -           -        higher            -
 * </pre>
 * Observers (nodes outside the voter set) only ever are Unattached or Follower. A Follower of
 * one epoch never switches to another leader in the same epoch: at most one leader per epoch.
 */
public final class QuorumState {
    private final int nodeId;
    private final VoterSet voters;
    private final RaftConfig config;
    private final Random random;
    private EpochState state;
    private ElectionState pendingPersist;

    /**
     * Restores the role from the persisted election state: a node that led its epoch when it
     * stopped comes back Resigned (it lost its uncommitted appends and must not lead again in
     * that epoch); one that knew a leader follows it; otherwise it is Unattached, keeping its
     * vote.
     */
    public QuorumState(int nodeId, VoterSet voters, RaftConfig config, Random random, ElectionState restored,
            long nowMs) {
        this.nodeId = nodeId;
        this.voters = voters;
        this.config = config;
        this.random = random;
        OptionalInt leader = restored.leaderId();
        if (leader.isPresent() && leader.getAsInt() == nodeId && isVoter()) {
            // Tell the other voters at once that this epoch's leader is gone.
            List<Integer> others = voters.ids().stream().filter(id -> id != nodeId).toList();
            state = new ResignedState(restored.epoch(), nodeId, others, electionDeadline(nowMs));
        } else if (leader.isPresent() && leader.getAsInt() != nodeId) {
            state = new FollowerState(restored.epoch(), leader.getAsInt(), restored.votedId(),
                    nowMs + config.fetchTimeoutMs());
        } else {
            state = new UnattachedState(restored.epoch(), restored.votedId(), electionDeadline(nowMs));
        }
    }

    public EpochState current() {
        return state;
    }

    public int epoch() {
        return state.epoch();
    }

    public int nodeId() {
        return nodeId;
    }

    public VoterSet voters() {
        return voters;
    }

    public boolean isVoter() {
        return voters.contains(nodeId);
    }

    public LeaderAndEpoch leaderAndEpoch() {
        return state.leaderAndEpoch();
    }

    /** The election state changed since the last call and must be persisted, if present. */
    public Optional<ElectionState> takePendingPersist() {
        Optional<ElectionState> result = Optional.ofNullable(pendingPersist);
        pendingPersist = null;
        return result;
    }

    /** A randomized election deadline: T + rand(T), so voters rarely time out together. */
    long electionDeadline(long nowMs) {
        return nowMs + config.electionTimeoutMs() + random.nextInt(config.electionTimeoutMs());
    }

    /**
     * Exponential, randomized back-off after the {@code retries}-th failed election, capped at
     * {@code controller.quorum.election.backoff.max.ms}.
     */
    long backoffMs(int retries) {
        long ceiling = Math.min(config.electionBackoffMaxMs(), (long) config.retryBackoffMs() << Math.min(retries, 20));
        return 1 + random.nextInt((int) Math.max(1, ceiling));
    }

    public UnattachedState transitionToUnattached(int epoch, OptionalInt votedId, long nowMs) {
        boolean sameEpochVote = epoch == state.epoch() && votedId.isPresent()
                && (state instanceof UnattachedState || state instanceof ProspectiveState)
                && state.election().votedId().isEmpty();
        boolean observerLostLeader = epoch == state.epoch() && state instanceof FollowerState && !isVoter();
        if (epoch <= state.epoch() && !sameEpochVote && !observerLostLeader) {
            throw illegal("Unattached(epoch " + epoch + ", voted " + votedId + ")");
        }
        if (votedId.isPresent() && !isVoter()) {
            throw illegal("Unattached with a vote: observers never vote");
        }
        return set(new UnattachedState(epoch, votedId, electionDeadline(nowMs)));
    }

    public ProspectiveState transitionToProspective(long nowMs) {
        if (!isVoter() || state instanceof LeaderState) {
            throw illegal("Prospective");
        }
        int retries = 0;
        if (state instanceof ProspectiveState prospective) {
            retries = prospective.retries() + 1;
        } else if (state instanceof CandidateState candidate) {
            retries = candidate.retries() + 1;
        }
        OptionalInt votedId = state.election().votedId();
        OptionalInt abandonedLeader = OptionalInt.empty();
        if (state instanceof FollowerState follower) {
            abandonedLeader = OptionalInt.of(follower.leaderId());
        } else if (state instanceof ProspectiveState prospective) {
            abandonedLeader = prospective.abandonedLeaderId();
        }
        return set(new ProspectiveState(state.epoch(), votedId, abandonedLeader, new VoteTally(voters, nodeId),
                electionDeadline(nowMs), retries));
    }

    public CandidateState transitionToCandidate(long nowMs) {
        if (!(state instanceof ProspectiveState prospective) || !prospective.preVotes().won()) {
            throw illegal("Candidate (only a Prospective that won its pre-vote may stand)");
        }
        return set(new CandidateState(state.epoch() + 1, nodeId, new VoteTally(voters, nodeId),
                electionDeadline(nowMs), prospective.retries()));
    }

    public LeaderState transitionToLeader(long epochStartOffset, long nowMs) {
        if (!(state instanceof CandidateState candidate) || !candidate.votes().won()) {
            throw illegal("Leader (only a Candidate holding a majority of votes may lead)");
        }
        return set(new LeaderState(state.epoch(), nodeId, epochStartOffset, voters, config, nowMs));
    }

    public FollowerState transitionToFollower(int epoch, int leaderId, long nowMs) {
        if (leaderId == nodeId) {
            throw illegal("Follower of itself");
        }
        boolean sameEpoch = epoch == state.epoch();
        boolean allowedSameEpoch = sameEpoch && (state instanceof UnattachedState || state instanceof ProspectiveState
                || state instanceof CandidateState);
        if (epoch < state.epoch() || (sameEpoch && !allowedSameEpoch)) {
            throw illegal("Follower(epoch " + epoch + ", leader " + leaderId + ")");
        }
        if (!voters.contains(leaderId)) {
            throw illegal("Follower of " + leaderId + ", which is not a voter");
        }
        OptionalInt votedId = sameEpoch ? state.election().votedId() : OptionalInt.empty();
        return set(new FollowerState(epoch, leaderId, votedId, nowMs + config.fetchTimeoutMs()));
    }

    public ResignedState transitionToResigned(List<Integer> preferredSuccessors, long nowMs) {
        if (!(state instanceof LeaderState)) {
            throw illegal("Resigned (only a Leader resigns)");
        }
        return set(new ResignedState(state.epoch(), nodeId, preferredSuccessors, electionDeadline(nowMs)));
    }

    private <T extends EpochState> T set(T next) {
        ElectionState before = state.election();
        state = next;
        if (!next.election().equals(before)) {
            pendingPersist = next.election();
        }
        return next;
    }

    private IllegalStateException illegal(String target) {
        return new IllegalStateException("node " + nodeId + ": illegal transition from " + state + " to " + target);
    }
}
