package io.kraftlet.raft;

import io.kraftlet.raft.message.BeginQuorumEpochRequest;
import io.kraftlet.raft.message.BeginQuorumEpochResponse;
import io.kraftlet.raft.message.EndQuorumEpochRequest;
import io.kraftlet.raft.message.EndQuorumEpochResponse;
import io.kraftlet.raft.message.Errors;
import io.kraftlet.raft.message.RaftResponse;
import io.kraftlet.raft.message.VoteRequest;
import io.kraftlet.raft.message.VoteResponse;
import java.util.List;
import java.util.OptionalInt;

/**
 * Elections, both sides: the vote and pre-vote rules, BeginQuorumEpoch and EndQuorumEpoch,
 * learning the leader from any answer, standing as Prospective then Candidate, taking office,
 * check-quorum and resigning. Part of the core; shares {@link RaftNode}'s state, and changes
 * roles only through {@link QuorumState}.
 */
final class ElectionHandler {
    private final RaftNode node;

    ElectionHandler(RaftNode node) {
        this.node = node;
    }

    void handleVoteRequest(int from, VoteRequest request, long nowMs) {
        if (!node.quorum.isVoter() || !node.quorum.voters().contains(request.candidateId()) || request.candidateId() != from) {
            node.send(from, node.errorResponse(request, Errors.INCONSISTENT_VOTER_SET));
            return;
        }
        // The sender's own epoch is the candidate epoch, or one less for a pre-vote (which asks
        // about the next epoch). A newer epoch always wins: otherwise a voter whose vote
        // requests were lost stays ahead of the node.quorum, refused forever.
        int senderEpoch = request.preVote() ? request.candidateEpoch() - 1 : request.candidateEpoch();
        if (senderEpoch > node.quorum.epoch()) {
            node.becomeUnattached(senderEpoch, OptionalInt.empty(), nowMs);
        }
        boolean granted = request.candidateEpoch() >= node.quorum.epoch() && decideVote(request, nowMs);
        if (granted && !request.preVote() && node.quorum.current().election().votedId().isEmpty()) {
            node.quorum.transitionToUnattached(node.quorum.epoch(), OptionalInt.of(request.candidateId()), nowMs);
        }
        LeaderAndEpoch leader = node.quorum.leaderAndEpoch();
        node.send(from, new VoteResponse(request.correlationId(), Errors.NONE, leader.leaderIdOrNil(), leader.epoch(),
                granted, request.preVote()));
    }

    /**
     * The vote rules. Either way the candidate's log must be at least as up to date as ours
     * (last epoch, then end offset), or it could lack committed entries. A pre-vote is granted
     * only when we hear from no live leader, so a node that was cut off cannot unseat a
     * healthy one. A real vote is granted at most once per epoch, never by a node that knows
     * the epoch's leader or stands itself.
     */
    private boolean decideVote(VoteRequest request, long nowMs) {
        OffsetAndEpoch candidateLog = new OffsetAndEpoch(request.lastOffset(), request.lastOffsetEpoch());
        boolean logUpToDate = node.bugs.contains(PlantedBug.VOTE_WITHOUT_LOG_CHECK)
                || candidateLog.compareTo(node.log.endOffsetAndEpoch()) >= 0;
        if (!logUpToDate) {
            return false;
        }
        EpochState state = node.quorum.current();
        if (request.preVote()) {
            boolean liveLeader = state instanceof LeaderState
                    || (state instanceof FollowerState follower && follower.hasLiveLeader(nowMs));
            return !liveLeader;
        }
        if (state instanceof UnattachedState || state instanceof ProspectiveState) {
            OptionalInt voted = state.election().votedId();
            return voted.isEmpty() || voted.getAsInt() == request.candidateId();
        }
        return false;
    }

    /**
     * The checks of a request a leader sends (BeginQuorumEpoch, EndQuorumEpoch): the sender must
     * be the voter it names as leader, and its epoch must not be older than ours.
     */
    private Errors checkLeaderRequest(int from, int leaderId, int leaderEpoch) {
        if (!node.quorum.voters().contains(leaderId) || leaderId != from) {
            return Errors.INCONSISTENT_VOTER_SET;
        }
        return leaderEpoch < node.quorum.epoch() ? Errors.FENCED_LEADER_EPOCH : Errors.NONE;
    }

    void handleBeginQuorumEpochRequest(int from, BeginQuorumEpochRequest request, long nowMs) {
        Errors error = checkLeaderRequest(from, request.leaderId(), request.leaderEpoch());
        if (error == Errors.INCONSISTENT_VOTER_SET) {
            node.send(from, node.errorResponse(request, error));
            return;
        }
        if (error == Errors.NONE) {
            node.maybeFollow(request.leaderEpoch(), request.leaderId(), nowMs);
        }
        LeaderAndEpoch leader = node.quorum.leaderAndEpoch();
        node.send(from, new BeginQuorumEpochResponse(request.correlationId(), error, leader.leaderIdOrNil(), leader.epoch()));
    }

    void handleEndQuorumEpochRequest(int from, EndQuorumEpochRequest request, long nowMs) {
        Errors error = checkLeaderRequest(from, request.leaderId(), request.leaderEpoch());
        if (error == Errors.INCONSISTENT_VOTER_SET) {
            node.send(from, node.errorResponse(request, error));
            return;
        }
        if (error == Errors.NONE) {
            node.maybeFollow(request.leaderEpoch(), request.leaderId(), nowMs);
            if (node.quorum.current() instanceof FollowerState follower && follower.leaderId() == request.leaderId()) {
                // The first preferred successor starts its election at once; later ones wait
                // exponentially longer, so the most caught-up voter usually wins.
                int position = request.preferredSuccessors().indexOf(node.nodeId);
                long delayMs = position < 0 ? node.quorum.electionDeadline(nowMs) - nowMs
                        : position == 0 ? 0 : Math.min(node.config.electionBackoffMaxMs(), (long) node.config.retryBackoffMs() << Math.min(position, 20));
                follower.markLeaderEnded(nowMs + delayMs);
            }
        }
        LeaderAndEpoch leader = node.quorum.leaderAndEpoch();
        node.send(from, new EndQuorumEpochResponse(request.correlationId(), error, leader.leaderIdOrNil(), leader.epoch()));
    }

    /**
     * Every response names the responder's epoch and leader. A newer epoch moves this node
     * there (following the leader if one is named); a leader named for our own epoch ends an
     * election we were running. Returns true if the role changed, so the response is stale.
     */
    boolean maybeLearnLeader(int from, RaftResponse response, long nowMs) {
        int epoch = response.leaderEpoch();
        int leaderId = response.leaderId();
        boolean knownLeader = leaderId >= 0 && leaderId != node.nodeId && node.quorum.voters().contains(leaderId);
        if (node.quorum.current() instanceof ProspectiveState prospective && epoch == prospective.epoch()
                && prospective.abandonedLeaderId().equals(OptionalInt.of(leaderId)) && from != leaderId) {
            knownLeader = false; // hearsay about the leader we gave up on; see ProspectiveState
        }
        if (epoch > node.quorum.epoch()) {
            if (knownLeader) {
                node.becomeFollower(epoch, leaderId, nowMs);
            } else {
                node.becomeUnattached(epoch, OptionalInt.empty(), nowMs);
            }
            return true;
        }
        if (epoch == node.quorum.epoch() && knownLeader) {
            EpochState state = node.quorum.current();
            if (state instanceof UnattachedState || state instanceof ProspectiveState || state instanceof CandidateState) {
                node.becomeFollower(epoch, leaderId, nowMs);
                return true;
            }
        }
        return false;
    }

    void handleVoteResponse(int from, VoteResponse response, long nowMs) {
        EpochState state = node.quorum.current();
        if (state instanceof ProspectiveState prospective && response.preVote()
                && response.correlationId() >= prospective.firstCorrelationId && !prospective.backingOff()) {
            if (response.voteGranted()) {
                prospective.preVotes().recordGrant(from);
            } else {
                prospective.preVotes().recordRejection(from);
            }
            if (prospective.preVotes().won()) {
                becomeCandidate(nowMs);
            } else if (prospective.preVotes().lost()) {
                prospective.startBackoff(nowMs + node.quorum.backoffMs(prospective.retries()));
            }
        } else if (state instanceof CandidateState candidate && !response.preVote()
                && response.leaderEpoch() == candidate.epoch() && !candidate.backingOff()) {
            if (response.voteGranted()) {
                candidate.votes().recordGrant(from);
            } else {
                candidate.votes().recordRejection(from);
            }
            if (candidate.votes().won()) {
                becomeLeader(nowMs);
            } else if (candidate.votes().lost()) {
                candidate.startBackoff(nowMs + node.quorum.backoffMs(candidate.retries()));
            }
        }
    }

    void becomeProspective(long nowMs) {
        node.abandonLeadership();
        ProspectiveState prospective = node.quorum.transitionToProspective(nowMs);
        prospective.firstCorrelationId = node.upcomingCorrelationId();
        if (prospective.preVotes().won()) {
            becomeCandidate(nowMs); // a single voter needs nobody's pre-vote
            return;
        }
        sendVoteRequests(prospective.epoch() + 1, true);
    }

    private void becomeCandidate(long nowMs) {
        CandidateState candidate = node.quorum.transitionToCandidate(nowMs);
        if (candidate.votes().won()) {
            becomeLeader(nowMs);
            return;
        }
        sendVoteRequests(candidate.epoch(), false);
    }

    private void sendVoteRequests(int candidateEpoch, boolean preVote) {
        OffsetAndEpoch last = node.log.endOffsetAndEpoch();
        for (int voter : node.quorum.voters().ids()) {
            if (voter != node.nodeId) {
                node.send(voter, new VoteRequest(node.clusterId, node.newCorrelationId(), node.nodeId, candidateEpoch, last.epoch(),
                        last.offset(), preVote));
            }
        }
    }

    /**
     * Takes office: the epoch starts at the current log end with a leader-change record, which
     * the leader must commit before anything else of its epoch or of earlier epochs counts as
     * committed.
     */
    private void becomeLeader(long nowMs) {
        long epochStartOffset = node.log.endOffset();
        LeaderState leader = node.quorum.transitionToLeader(epochStartOffset, nowMs);
        byte[] leaderChange = ControlRecords.leaderChange(node.nodeId, node.quorum.voters().ids());
        node.log.append(new Batch(epochStartOffset, leader.epoch(), nowMs, true, List.of(leaderChange)));
        sendBeginQuorumEpoch(leader, nowMs);
    }

    private void sendBeginQuorumEpoch(LeaderState leader, long nowMs) {
        for (int voter : leader.unackedBeginQuorum()) {
            node.send(voter, new BeginQuorumEpochRequest(node.clusterId, node.newCorrelationId(), node.nodeId, leader.epoch()));
        }
        leader.beginQuorumResendAtMs = nowMs + node.config.beginQuorumEpochResendMs();
    }

    void tickLeader(LeaderState leader, long nowMs) {
        if (leader.lostQuorum(nowMs, node.config.checkQuorumTimeoutMs())) {
            resign(nowMs);
            return;
        }
        if (!leader.unackedBeginQuorum().isEmpty() && nowMs >= leader.beginQuorumResendAtMs) {
            sendBeginQuorumEpoch(leader, nowMs);
        }
        node.replication.expireParkedFetches(leader, nowMs);
    }

    void resign(long nowMs) {
        List<Integer> successors = ((LeaderState) node.quorum.current()).preferredSuccessors();
        node.abandonLeadership();
        ResignedState resigned = node.quorum.transitionToResigned(successors, nowMs);
        sendEndQuorumEpoch(resigned, nowMs);
    }

    void sendEndQuorumEpoch(ResignedState resigned, long nowMs) {
        for (int voter : resigned.unacknowledged()) {
            node.send(voter, new EndQuorumEpochRequest(node.clusterId, node.newCorrelationId(), node.nodeId, resigned.epoch(),
                    resigned.preferredSuccessors()));
        }
        resigned.resendAtMs = nowMs + node.config.requestTimeoutMs();
    }
}
