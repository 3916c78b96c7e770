package io.kraftlet.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks QuorumState against the transition table in its Javadoc: every legal transition
 * lands in the right role and epoch and asks for the right persist, every illegal one throws
 * and leaves the node where it was. Also the restore rules and the randomized timers.
 */
class QuorumStateTest {
    private static final int SELF = 1;
    private static final int OTHER = 2;
    private static final int THIRD = 3;
    private static final int OBSERVER = 9;
    private static final VoterSet VOTERS = new VoterSet(List.of(SELF, OTHER, THIRD));
    private static final RaftConfig CONFIG = RaftConfig.DEFAULT;
    private static final long NOW = 10_000;
    private static final long EPOCH_START_OFFSET = 100;

    // ---- Fixtures: a node put in each role by legal steps, with nothing left to persist. ----

    private static QuorumState restore(int nodeId, ElectionState restored) {
        return new QuorumState(nodeId, VOTERS, CONFIG, new Random(42), restored, NOW);
    }

    static QuorumState unattached(int epoch) {
        return restore(SELF, ElectionState.withUnknownLeader(epoch));
    }

    static QuorumState unattachedVoted(int epoch, int votedId) {
        return restore(SELF, ElectionState.withVote(epoch, votedId));
    }

    static QuorumState prospective(int epoch) {
        QuorumState quorum = unattached(epoch);
        quorum.transitionToProspective(NOW);
        quorum.takePendingPersist();
        return quorum;
    }

    /** A Prospective of {@code epoch} that holds a majority of pre-votes. */
    static QuorumState prospectiveWon(int epoch) {
        QuorumState quorum = prospective(epoch);
        ((ProspectiveState) quorum.current()).preVotes().recordGrant(OTHER);
        return quorum;
    }

    /** A Candidate of {@code epoch} (it stood from a Prospective of {@code epoch - 1}). */
    static QuorumState candidate(int epoch) {
        QuorumState quorum = prospectiveWon(epoch - 1);
        quorum.transitionToCandidate(NOW);
        quorum.takePendingPersist();
        return quorum;
    }

    static QuorumState candidateWon(int epoch) {
        QuorumState quorum = candidate(epoch);
        ((CandidateState) quorum.current()).votes().recordGrant(OTHER);
        return quorum;
    }

    static QuorumState leader(int epoch) {
        QuorumState quorum = candidateWon(epoch);
        quorum.transitionToLeader(EPOCH_START_OFFSET, NOW);
        quorum.takePendingPersist();
        return quorum;
    }

    static QuorumState follower(int epoch, int leaderId) {
        return restore(SELF, ElectionState.withLeader(epoch, leaderId, OptionalInt.empty()));
    }

    static QuorumState resigned(int epoch) {
        QuorumState quorum = leader(epoch);
        quorum.transitionToResigned(List.of(OTHER, THIRD), NOW);
        quorum.takePendingPersist();
        return quorum;
    }

    static QuorumState observerUnattached(int epoch) {
        return restore(OBSERVER, ElectionState.withUnknownLeader(epoch));
    }

    static QuorumState observerFollower(int epoch, int leaderId) {
        return restore(OBSERVER, ElectionState.withLeader(epoch, leaderId, OptionalInt.empty()));
    }

    private static void assertPersisted(QuorumState quorum, ElectionState expected) {
        assertEquals(Optional.of(expected), quorum.takePendingPersist());
        assertEquals(Optional.empty(), quorum.takePendingPersist(), "taking the pending persist clears it");
    }

    private static void assertNothingToPersist(QuorumState quorum) {
        assertEquals(Optional.empty(), quorum.takePendingPersist());
    }

    private static void assertElectionDeadline(long deadlineMs, long nowMs) {
        assertTrue(deadlineMs >= nowMs + CONFIG.electionTimeoutMs() && deadlineMs < nowMs + 2L * CONFIG.electionTimeoutMs(),
                "election deadline " + deadlineMs + " outside [now+T, now+2T) for now=" + nowMs);
    }

    @Nested
    class FromUnattached {
        @Test
        void toUnattachedOfHigherEpochPersistsTheNewEpoch() {
            QuorumState quorum = unattachedVoted(3, OTHER);
            UnattachedState state = quorum.transitionToUnattached(5, OptionalInt.empty(), NOW);
            assertSame(state, quorum.current());
            assertEquals(5, quorum.epoch());
            assertEquals(OptionalInt.empty(), state.votedId(), "a vote belongs to its epoch");
            assertPersisted(quorum, ElectionState.withUnknownLeader(5));
        }

        @Test
        void toUnattachedOfHigherEpochWithVote() {
            QuorumState quorum = unattached(3);
            quorum.transitionToUnattached(5, OptionalInt.of(OTHER), NOW);
            assertPersisted(quorum, ElectionState.withVote(5, OTHER));
        }

        @Test
        void toUnattachedOfSameEpochRecordsAVote() {
            QuorumState quorum = unattached(3);
            UnattachedState state = quorum.transitionToUnattached(3, OptionalInt.of(OTHER), NOW);
            assertEquals(3, state.epoch());
            assertEquals(OptionalInt.of(OTHER), state.votedId());
            assertPersisted(quorum, ElectionState.withVote(3, OTHER));
        }

        @Test
        void toProspectiveKeepsTheEpochAndNeedsNoPersist() {
            QuorumState quorum = unattachedVoted(3, OTHER);
            ProspectiveState state = quorum.transitionToProspective(NOW);
            assertSame(state, quorum.current());
            assertEquals(3, state.epoch(), "pre-vote does not bump the epoch");
            assertEquals(0, state.retries());
            assertEquals(OptionalInt.of(OTHER), state.votedId(), "the vote of this epoch is kept");
            assertElectionDeadline(state.electionDeadlineMs(), NOW);
            assertNothingToPersist(quorum);
        }

        @Test
        void toFollowerOfSameEpochKeepsTheVote() {
            QuorumState quorum = unattachedVoted(3, THIRD);
            FollowerState state = quorum.transitionToFollower(3, OTHER, NOW);
            assertEquals(3, state.epoch());
            assertEquals(OTHER, state.leaderId());
            assertEquals(NOW + CONFIG.fetchTimeoutMs(), state.fetchDeadlineMs());
            assertPersisted(quorum, ElectionState.withLeader(3, OTHER, OptionalInt.of(THIRD)));
        }

        @Test
        void toFollowerOfHigherEpochDropsTheOldVote() {
            QuorumState quorum = unattachedVoted(3, THIRD);
            quorum.transitionToFollower(4, OTHER, NOW);
            assertEquals(4, quorum.epoch());
            assertPersisted(quorum, ElectionState.withLeader(4, OTHER, OptionalInt.empty()));
        }
    }

    @Nested
    class FromProspective {
        @Test
        void toUnattachedOfHigherEpoch() {
            QuorumState quorum = prospective(3);
            quorum.transitionToUnattached(4, OptionalInt.empty(), NOW);
            assertInstanceOf(UnattachedState.class, quorum.current());
            assertPersisted(quorum, ElectionState.withUnknownLeader(4));
        }

        @Test
        void toUnattachedOfSameEpochRecordsAVote() {
            QuorumState quorum = prospective(3);
            quorum.transitionToUnattached(3, OptionalInt.of(OTHER), NOW);
            assertInstanceOf(UnattachedState.class, quorum.current());
            assertPersisted(quorum, ElectionState.withVote(3, OTHER));
        }

        @Test
        void toProspectiveAgainCountsARetry() {
            QuorumState quorum = prospective(3);
            assertEquals(1, quorum.transitionToProspective(NOW).retries());
            ProspectiveState again = quorum.transitionToProspective(NOW + 5);
            assertEquals(2, again.retries());
            assertEquals(3, again.epoch());
            assertElectionDeadline(again.electionDeadlineMs(), NOW + 5);
            assertNothingToPersist(quorum);
        }

        @Test
        void toCandidateOfNextEpochPersistsTheSelfVote() {
            QuorumState quorum = prospectiveWon(3);
            CandidateState state = quorum.transitionToCandidate(NOW);
            assertSame(state, quorum.current());
            assertEquals(4, state.epoch());
            assertEquals(0, state.retries());
            assertEquals(Set.of(SELF), state.votes().granted(), "a new election starts with only its own vote");
            assertElectionDeadline(state.electionDeadlineMs(), NOW);
            assertPersisted(quorum, ElectionState.withVote(4, SELF));
        }

        @Test
        void candidateCarriesTheRetriesOfItsPreVoteRounds() {
            QuorumState quorum = prospective(3);
            quorum.transitionToProspective(NOW);
            ((ProspectiveState) quorum.current()).preVotes().recordGrant(OTHER);
            assertEquals(1, quorum.transitionToCandidate(NOW).retries());
        }

        @Test
        void toFollowerOfSameEpoch() {
            QuorumState quorum = prospective(3);
            quorum.transitionToFollower(3, OTHER, NOW);
            assertInstanceOf(FollowerState.class, quorum.current());
            assertPersisted(quorum, ElectionState.withLeader(3, OTHER, OptionalInt.empty()));
        }

        @Test
        void toFollowerOfHigherEpoch() {
            QuorumState quorum = prospective(3);
            quorum.transitionToFollower(6, THIRD, NOW);
            assertEquals(6, quorum.epoch());
            assertPersisted(quorum, ElectionState.withLeader(6, THIRD, OptionalInt.empty()));
        }
    }

    @Nested
    class FromCandidate {
        @Test
        void toUnattachedOfHigherEpoch() {
            QuorumState quorum = candidate(4);
            quorum.transitionToUnattached(5, OptionalInt.empty(), NOW);
            assertInstanceOf(UnattachedState.class, quorum.current());
            assertPersisted(quorum, ElectionState.withUnknownLeader(5));
        }

        @Test
        void toProspectiveAfterLosingKeepsEpochAndVote() {
            QuorumState quorum = candidate(4);
            ProspectiveState state = quorum.transitionToProspective(NOW);
            assertEquals(4, state.epoch());
            assertEquals(1, state.retries(), "a lost election counts toward the back-off");
            assertEquals(OptionalInt.of(SELF), state.votedId(), "it voted for itself in this epoch");
            assertNothingToPersist(quorum);
        }

        @Test
        void toLeaderOfSameEpochPersistsItselfAsLeader() {
            QuorumState quorum = candidateWon(4);
            LeaderState state = quorum.transitionToLeader(EPOCH_START_OFFSET, NOW);
            assertSame(state, quorum.current());
            assertEquals(4, state.epoch());
            assertEquals(EPOCH_START_OFFSET, state.epochStartOffset());
            assertEquals(LeaderAndEpoch.of(SELF, 4), quorum.leaderAndEpoch());
            assertPersisted(quorum, ElectionState.withLeader(4, SELF, OptionalInt.of(SELF)));
        }

        @Test
        void toFollowerOfSameEpochKeepsTheSelfVote() {
            QuorumState quorum = candidate(4);
            quorum.transitionToFollower(4, OTHER, NOW);
            assertPersisted(quorum, ElectionState.withLeader(4, OTHER, OptionalInt.of(SELF)));
        }

        @Test
        void toFollowerOfHigherEpoch() {
            QuorumState quorum = candidate(4);
            quorum.transitionToFollower(5, OTHER, NOW);
            assertPersisted(quorum, ElectionState.withLeader(5, OTHER, OptionalInt.empty()));
        }
    }

    @Nested
    class FromLeader {
        @Test
        void toUnattachedOfHigherEpoch() {
            QuorumState quorum = leader(4);
            quorum.transitionToUnattached(5, OptionalInt.of(OTHER), NOW);
            assertInstanceOf(UnattachedState.class, quorum.current());
            assertPersisted(quorum, ElectionState.withVote(5, OTHER));
        }

        @Test
        void toFollowerOfHigherEpoch() {
            QuorumState quorum = leader(4);
            quorum.transitionToFollower(5, OTHER, NOW);
            assertInstanceOf(FollowerState.class, quorum.current());
            assertPersisted(quorum, ElectionState.withLeader(5, OTHER, OptionalInt.empty()));
        }

        @Test
        void toResignedOfSameEpochNeedsNoPersist() {
            QuorumState quorum = leader(4);
            ResignedState state = quorum.transitionToResigned(List.of(THIRD, OTHER), NOW);
            assertSame(state, quorum.current());
            assertEquals(4, state.epoch());
            assertEquals(List.of(THIRD, OTHER), state.preferredSuccessors());
            assertElectionDeadline(state.electionDeadlineMs(), NOW);
            // The persisted state still names this node as the epoch's leader: a restart
            // must come back Resigned, not lead the epoch again.
            assertNothingToPersist(quorum);
        }
    }

    @Nested
    class FromFollower {
        @Test
        void toUnattachedOfHigherEpoch() {
            QuorumState quorum = follower(3, OTHER);
            quorum.transitionToUnattached(4, OptionalInt.empty(), NOW);
            assertInstanceOf(UnattachedState.class, quorum.current());
            assertPersisted(quorum, ElectionState.withUnknownLeader(4));
        }

        @Test
        void toProspectiveRemembersTheAbandonedLeader() {
            QuorumState quorum = follower(3, OTHER);
            ProspectiveState state = quorum.transitionToProspective(NOW);
            assertEquals(3, state.epoch());
            assertEquals(OptionalInt.of(OTHER), state.abandonedLeaderId());
            assertEquals(OptionalInt.of(OTHER), quorum.transitionToProspective(NOW).abandonedLeaderId(),
                    "a retry still remembers whom it gave up on");
        }

        @Test
        void toProspectivePersistsThatTheLeaderIsNoLongerKnown() {
            QuorumState quorum = follower(3, OTHER);
            quorum.transitionToProspective(NOW);
            assertPersisted(quorum, ElectionState.withUnknownLeader(3));
        }

        @Test
        void toFollowerOfHigherEpoch() {
            QuorumState quorum = follower(3, OTHER);
            quorum.transitionToFollower(4, THIRD, NOW);
            assertEquals(LeaderAndEpoch.of(THIRD, 4), quorum.leaderAndEpoch());
            assertPersisted(quorum, ElectionState.withLeader(4, THIRD, OptionalInt.empty()));
        }
    }

    @Nested
    class FromResigned {
        @Test
        void toUnattachedOfHigherEpoch() {
            QuorumState quorum = resigned(4);
            quorum.transitionToUnattached(5, OptionalInt.of(OTHER), NOW);
            assertInstanceOf(UnattachedState.class, quorum.current());
            assertPersisted(quorum, ElectionState.withVote(5, OTHER));
        }

        @Test
        void toProspectiveAfterTimeout() {
            QuorumState quorum = resigned(4);
            ProspectiveState state = quorum.transitionToProspective(NOW);
            assertEquals(4, state.epoch());
            assertEquals(OptionalInt.of(SELF), state.votedId());
            assertPersisted(quorum, ElectionState.withVote(4, SELF));
        }

        @Test
        void toFollowerOfHigherEpoch() {
            QuorumState quorum = resigned(4);
            quorum.transitionToFollower(5, OTHER, NOW);
            assertPersisted(quorum, ElectionState.withLeader(5, OTHER, OptionalInt.empty()));
        }
    }

    @Nested
    class Observer {
        @Test
        void isNotAVoter() {
            assertFalse(observerUnattached(1).isVoter());
            assertTrue(unattached(1).isVoter());
        }

        @Test
        void unattachedToUnattachedOfHigherEpoch() {
            QuorumState quorum = observerUnattached(3);
            quorum.transitionToUnattached(4, OptionalInt.empty(), NOW);
            assertPersisted(quorum, ElectionState.withUnknownLeader(4));
        }

        @Test
        void unattachedToFollowerOfSameEpoch() {
            QuorumState quorum = observerUnattached(3);
            quorum.transitionToFollower(3, OTHER, NOW);
            assertEquals(LeaderAndEpoch.of(OTHER, 3), quorum.leaderAndEpoch());
            assertPersisted(quorum, ElectionState.withLeader(3, OTHER, OptionalInt.empty()));
        }

        @Test
        void followerBackToUnattachedOfSameEpochWhenItLosesTheLeader() {
            QuorumState quorum = observerFollower(3, OTHER);
            quorum.transitionToUnattached(3, OptionalInt.empty(), NOW);
            assertInstanceOf(UnattachedState.class, quorum.current());
            assertEquals(3, quorum.epoch());
            assertPersisted(quorum, ElectionState.withUnknownLeader(3));
        }

        @Test
        void followerToFollowerOfHigherEpoch() {
            QuorumState quorum = observerFollower(3, OTHER);
            quorum.transitionToFollower(4, THIRD, NOW);
            assertEquals(LeaderAndEpoch.of(THIRD, 4), quorum.leaderAndEpoch());
        }
    }

    static Stream<Arguments> illegalTransitions() {
        return Stream.of(
                // Unattached
                illegal("Unattached -> Unattached of same epoch without vote", () -> unattached(3),
                        q -> q.transitionToUnattached(3, OptionalInt.empty(), NOW)),
                illegal("Unattached -> Unattached of lower epoch", () -> unattached(3),
                        q -> q.transitionToUnattached(2, OptionalInt.of(OTHER), NOW)),
                illegal("Unattached with a vote -> another vote in the same epoch", () -> unattachedVoted(3, OTHER),
                        q -> q.transitionToUnattached(3, OptionalInt.of(THIRD), NOW)),
                illegal("Unattached -> Candidate", () -> unattached(3), q -> q.transitionToCandidate(NOW)),
                illegal("Unattached -> Leader", () -> unattached(3), q -> q.transitionToLeader(0, NOW)),
                illegal("Unattached -> Follower of lower epoch", () -> unattached(3),
                        q -> q.transitionToFollower(2, OTHER, NOW)),
                illegal("Unattached -> Resigned", () -> unattached(3), q -> q.transitionToResigned(List.of(), NOW)),
                // Prospective
                illegal("Prospective -> Unattached of same epoch without vote", () -> prospective(3),
                        q -> q.transitionToUnattached(3, OptionalInt.empty(), NOW)),
                illegal("Prospective with a vote -> another vote in the same epoch", () -> {
                    QuorumState quorum = unattachedVoted(3, OTHER);
                    quorum.transitionToProspective(NOW);
                    return quorum;
                }, q -> q.transitionToUnattached(3, OptionalInt.of(THIRD), NOW)),
                illegal("Prospective -> Unattached of lower epoch", () -> prospective(3),
                        q -> q.transitionToUnattached(2, OptionalInt.empty(), NOW)),
                illegal("Prospective -> Candidate without a won pre-vote", () -> prospective(3),
                        q -> q.transitionToCandidate(NOW)),
                illegal("Prospective -> Candidate after a lost pre-vote", () -> {
                    QuorumState quorum = prospective(3);
                    ProspectiveState state = (ProspectiveState) quorum.current();
                    state.preVotes().recordRejection(OTHER);
                    state.preVotes().recordRejection(THIRD);
                    return quorum;
                }, q -> q.transitionToCandidate(NOW)),
                illegal("Prospective -> Leader", () -> prospectiveWon(3), q -> q.transitionToLeader(0, NOW)),
                illegal("Prospective -> Follower of lower epoch", () -> prospective(3),
                        q -> q.transitionToFollower(2, OTHER, NOW)),
                illegal("Prospective -> Resigned", () -> prospective(3), q -> q.transitionToResigned(List.of(), NOW)),
                // Candidate
                illegal("Candidate -> Unattached of same epoch", () -> candidate(4),
                        q -> q.transitionToUnattached(4, OptionalInt.of(OTHER), NOW)),
                illegal("Candidate -> Candidate", () -> candidateWon(4), q -> q.transitionToCandidate(NOW)),
                illegal("Candidate -> Leader without a won vote", () -> candidate(4),
                        q -> q.transitionToLeader(0, NOW)),
                illegal("Candidate -> Follower of lower epoch", () -> candidate(4),
                        q -> q.transitionToFollower(3, OTHER, NOW)),
                illegal("Candidate -> Resigned", () -> candidateWon(4), q -> q.transitionToResigned(List.of(), NOW)),
                // Leader
                illegal("Leader -> Unattached of same epoch", () -> leader(4),
                        q -> q.transitionToUnattached(4, OptionalInt.empty(), NOW)),
                illegal("Leader -> Prospective", () -> leader(4), q -> q.transitionToProspective(NOW)),
                illegal("Leader -> Candidate", () -> leader(4), q -> q.transitionToCandidate(NOW)),
                illegal("Leader -> Leader", () -> leader(4), q -> q.transitionToLeader(0, NOW)),
                illegal("Leader -> Follower of same epoch", () -> leader(4),
                        q -> q.transitionToFollower(4, OTHER, NOW)),
                illegal("Leader -> Follower of lower epoch", () -> leader(4),
                        q -> q.transitionToFollower(3, OTHER, NOW)),
                // Follower
                illegal("Follower (voter) -> Unattached of same epoch", () -> follower(3, OTHER),
                        q -> q.transitionToUnattached(3, OptionalInt.empty(), NOW)),
                illegal("Follower (voter) -> Unattached of same epoch with vote", () -> follower(3, OTHER),
                        q -> q.transitionToUnattached(3, OptionalInt.of(THIRD), NOW)),
                illegal("Follower -> Candidate", () -> follower(3, OTHER), q -> q.transitionToCandidate(NOW)),
                illegal("Follower -> Leader", () -> follower(3, OTHER), q -> q.transitionToLeader(0, NOW)),
                illegal("Follower -> Follower of same epoch, same leader", () -> follower(3, OTHER),
                        q -> q.transitionToFollower(3, OTHER, NOW)),
                illegal("Follower -> Follower of same epoch, another leader", () -> follower(3, OTHER),
                        q -> q.transitionToFollower(3, THIRD, NOW)),
                illegal("Follower -> Follower of lower epoch", () -> follower(3, OTHER),
                        q -> q.transitionToFollower(2, THIRD, NOW)),
                illegal("Follower -> Resigned", () -> follower(3, OTHER), q -> q.transitionToResigned(List.of(), NOW)),
                // Resigned
                illegal("Resigned -> Unattached of same epoch", () -> resigned(4),
                        q -> q.transitionToUnattached(4, OptionalInt.of(OTHER), NOW)),
                illegal("Resigned -> Candidate", () -> resigned(4), q -> q.transitionToCandidate(NOW)),
                illegal("Resigned -> Leader", () -> resigned(4), q -> q.transitionToLeader(0, NOW)),
                illegal("Resigned -> Follower of same epoch", () -> resigned(4),
                        q -> q.transitionToFollower(4, OTHER, NOW)),
                illegal("Resigned -> Resigned", () -> resigned(4), q -> q.transitionToResigned(List.of(), NOW)),
                // Whom a node may follow
                illegal("Follower of itself", () -> unattached(3), q -> q.transitionToFollower(4, SELF, NOW)),
                illegal("Follower of a non-voter", () -> unattached(3), q -> q.transitionToFollower(4, OBSERVER, NOW)),
                illegal("observer Follower of a non-voter", () -> observerUnattached(3),
                        q -> q.transitionToFollower(4, 10, NOW)),
                // Observers never vote and never stand
                illegal("observer Unattached -> Prospective", () -> observerUnattached(3),
                        q -> q.transitionToProspective(NOW)),
                illegal("observer Follower -> Prospective", () -> observerFollower(3, OTHER),
                        q -> q.transitionToProspective(NOW)),
                illegal("observer votes in a higher epoch", () -> observerUnattached(3),
                        q -> q.transitionToUnattached(4, OptionalInt.of(OTHER), NOW)),
                illegal("observer votes in the same epoch", () -> observerUnattached(3),
                        q -> q.transitionToUnattached(3, OptionalInt.of(OTHER), NOW)),
                illegal("observer Follower -> Unattached of same epoch with vote", () -> observerFollower(3, OTHER),
                        q -> q.transitionToUnattached(3, OptionalInt.of(OTHER), NOW)),
                illegal("observer Unattached -> Candidate", () -> observerUnattached(3),
                        q -> q.transitionToCandidate(NOW)),
                illegal("observer Unattached -> Leader", () -> observerUnattached(3),
                        q -> q.transitionToLeader(0, NOW)),
                illegal("observer Follower -> Follower of same epoch, another leader", () -> observerFollower(3, OTHER),
                        q -> q.transitionToFollower(3, THIRD, NOW)),
                illegal("observer -> Resigned", () -> observerFollower(3, OTHER),
                        q -> q.transitionToResigned(List.of(), NOW)));
    }

    private static Arguments illegal(String name, Supplier<QuorumState> from, Consumer<QuorumState> transition) {
        return Arguments.of(name, from, transition);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("illegalTransitions")
    void illegalTransitionThrowsAndChangesNothing(String name, Supplier<QuorumState> from,
            Consumer<QuorumState> transition) {
        QuorumState quorum = from.get();
        quorum.takePendingPersist();
        EpochState before = quorum.current();
        assertThrows(IllegalStateException.class, () -> transition.accept(quorum), name);
        assertSame(before, quorum.current(), "a refused transition leaves the role as it was");
        assertNothingToPersist(quorum);
    }

    @Nested
    class Restore {
        @Test
        void leaderOfItsOwnEpochComesBackResignedNamingTheOtherVoters() {
            QuorumState quorum = restore(SELF, ElectionState.withLeader(7, SELF, OptionalInt.of(SELF)));
            ResignedState state = assertInstanceOf(ResignedState.class, quorum.current());
            assertEquals(7, state.epoch());
            assertEquals(List.of(OTHER, THIRD), state.preferredSuccessors());
            assertEquals(Set.of(OTHER, THIRD), state.unacknowledged(), "EndQuorumEpoch goes to every other voter");
            assertEquals(OptionalInt.empty(), quorum.leaderAndEpoch().leaderId(), "a resigned node leads nobody");
            assertElectionDeadline(state.electionDeadlineMs(), NOW);
            assertNothingToPersist(quorum);
        }

        @Test
        void restoredResignedNodeCannotLeadTheEpochAgain() {
            QuorumState quorum = restore(SELF, ElectionState.withLeader(7, SELF, OptionalInt.of(SELF)));
            assertThrows(IllegalStateException.class, () -> quorum.transitionToLeader(0, NOW));
            assertThrows(IllegalStateException.class, () -> quorum.transitionToFollower(7, OTHER, NOW));
        }

        @Test
        void anotherKnownLeaderIsFollowed() {
            QuorumState quorum = restore(SELF, ElectionState.withLeader(7, OTHER, OptionalInt.of(OTHER)));
            FollowerState state = assertInstanceOf(FollowerState.class, quorum.current());
            assertEquals(7, state.epoch());
            assertEquals(OTHER, state.leaderId());
            assertEquals(NOW + CONFIG.fetchTimeoutMs(), state.fetchDeadlineMs());
            assertEquals(ElectionState.withLeader(7, OTHER, OptionalInt.of(OTHER)), state.election(),
                    "the vote of the epoch survives the restart");
            assertNothingToPersist(quorum);
        }

        @Test
        void aVoteWithoutLeaderComesBackUnattachedWithTheVote() {
            QuorumState quorum = restore(SELF, ElectionState.withVote(7, THIRD));
            UnattachedState state = assertInstanceOf(UnattachedState.class, quorum.current());
            assertEquals(7, state.epoch());
            assertEquals(OptionalInt.of(THIRD), state.votedId());
            assertElectionDeadline(state.electionDeadlineMs(), NOW);
            // It already voted in epoch 7, so it cannot vote again there.
            assertThrows(IllegalStateException.class,
                    () -> quorum.transitionToUnattached(7, OptionalInt.of(OTHER), NOW));
        }

        @Test
        void initialStateIsUnattachedInEpochZero() {
            QuorumState quorum = restore(SELF, ElectionState.INITIAL);
            UnattachedState state = assertInstanceOf(UnattachedState.class, quorum.current());
            assertEquals(0, state.epoch());
            assertEquals(OptionalInt.empty(), state.votedId());
        }

        @Test
        void observerFollowsARestoredLeader() {
            QuorumState quorum = observerFollower(7, OTHER);
            assertInstanceOf(FollowerState.class, quorum.current());
            assertEquals(LeaderAndEpoch.of(OTHER, 7), quorum.leaderAndEpoch());
        }
    }

    @Nested
    class Timers {
        @Test
        void electionDeadlineIsWithinTAndTwoT() {
            Set<Long> seen = new HashSet<>();
            for (long seed = 0; seed < 20; seed++) {
                QuorumState quorum = new QuorumState(SELF, VOTERS, CONFIG, new Random(seed), ElectionState.INITIAL, NOW);
                for (int i = 0; i < 100; i++) {
                    long nowMs = NOW + i * 7L;
                    long deadline = quorum.electionDeadline(nowMs);
                    assertElectionDeadline(deadline, nowMs);
                    seen.add(deadline - nowMs);
                }
            }
            // Randomized so voters rarely time out together: the spread covers most of [T, 2T).
            assertTrue(seen.size() > CONFIG.electionTimeoutMs() / 2, "only " + seen.size() + " distinct timeouts");
        }

        @Test
        void backoffStaysWithinOneAndTheConfiguredMaximum() {
            RaftConfig config = new RaftConfig(1000, 2000, 300, 20, 25, 2000, 500, 1 << 20, 1 << 20, 8 << 20,
                    1 << 20, 1000, 64);
            QuorumState quorum = new QuorumState(SELF, VOTERS, config, new Random(7), ElectionState.INITIAL, NOW);
            long largest = 0;
            for (int retries = 0; retries <= 40; retries++) {
                long ceiling = Math.min(config.electionBackoffMaxMs(), (long) config.retryBackoffMs() << Math.min(retries, 20));
                for (int i = 0; i < 50; i++) {
                    long backoff = quorum.backoffMs(retries);
                    assertTrue(backoff >= 1 && backoff <= config.electionBackoffMaxMs(),
                            "backoff " + backoff + " for retries " + retries);
                    assertTrue(backoff <= ceiling, "backoff " + backoff + " above the exponential ceiling " + ceiling);
                    largest = Math.max(largest, backoff);
                }
            }
            assertTrue(largest > config.electionBackoffMaxMs() / 2, "the back-off grows toward its cap");
        }

        @Test
        void firstBackoffIsAtMostTheRetryBackoff() {
            QuorumState quorum = unattached(0);
            for (int i = 0; i < 200; i++) {
                long backoff = quorum.backoffMs(0);
                assertTrue(backoff >= 1 && backoff <= CONFIG.retryBackoffMs(), "backoff " + backoff);
            }
        }

        @Test
        void sameSeedGivesSameDeadlines() {
            QuorumState first = new QuorumState(SELF, VOTERS, CONFIG, new Random(99), ElectionState.INITIAL, NOW);
            QuorumState second = new QuorumState(SELF, VOTERS, CONFIG, new Random(99), ElectionState.INITIAL, NOW);
            assertEquals(((UnattachedState) first.current()).electionDeadlineMs(),
                    ((UnattachedState) second.current()).electionDeadlineMs());
            assertEquals(first.backoffMs(3), second.backoffMs(3));
        }
    }
}
