package io.kraftlet.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import io.kraftlet.controller.ApiError;
import io.kraftlet.controller.ControllerApi.BrokerState;
import io.kraftlet.controller.ControllerApi.PartitionChangeProposal;
import io.kraftlet.controller.ControllerApi.PartitionChangeResult;
import io.kraftlet.controller.ControllerError;
import io.kraftlet.image.PartitionRegistration;
import io.kraftlet.metadata.LeaderRecoveryState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The leader-side partition state machine: committed / pending-expand / pending-shrink, the
 * maximal-ISR rule, the HW rule with min.insync.replicas, and who wins between the
 * controller's answer and the image.
 */
class PartitionTest {
    private static final UUID TOPIC = new UUID(7, 7);
    private static final int LEADER = 1;
    private static final long LEADER_BROKER_EPOCH = 100L;
    private static final int LEADER_EPOCH = 5;
    private static final int PARTITION_EPOCH = 10;
    /** The leader's LEO when it became leader: the start offset of its epoch. */
    private static final long EPOCH_START = 100L;
    private static final long START_HW = 90L;
    private static final long LAG_MS = 30_000L;
    private static final long T0 = 1_000L;

    private static PartitionRegistration registration(List<Integer> isr, int leader, int leaderEpoch,
            int partitionEpoch, List<Integer> replicas, LeaderRecoveryState recovery) {
        int[] noElr = {};
        return new PartitionRegistration(replicas.stream().mapToInt(Integer::intValue).toArray(),
                isr.stream().mapToInt(Integer::intValue).toArray(), noElr, noElr, leader, recovery, leaderEpoch,
                partitionEpoch);
    }

    private static PartitionRegistration registration(List<Integer> isr, int partitionEpoch) {
        return registration(isr, LEADER, LEADER_EPOCH, partitionEpoch, List.of(1, 2, 3), LeaderRecoveryState.RECOVERED);
    }

    private static Partition leader(List<Integer> isr, int minIsr) {
        return Partition.becomeLeader(TOPIC, 0, LEADER, LEADER_BROKER_EPOCH, registration(isr, PARTITION_EPOCH),
                EPOCH_START, START_HW, minIsr, T0);
    }

    private static PartitionChangeResult success(PartitionChangeProposal proposal, List<Integer> isr,
            int partitionEpoch) {
        return new PartitionChangeResult(TOPIC, 0, ApiError.NONE, LEADER, proposal.leaderEpoch(), isr, partitionEpoch,
                LeaderRecoveryState.RECOVERED);
    }

    private static PartitionChangeResult failure(ControllerError error) {
        return new PartitionChangeResult(TOPIC, 0, ApiError.of(error, "test"), LEADER, LEADER_EPOCH, List.of(1, 2, 3),
                PARTITION_EPOCH, LeaderRecoveryState.RECOVERED);
    }

    // ---------------------------------------------------------------- becoming leader

    @Test
    void becomeLeaderStartsCommittedWithUnknownFollowers() {
        Partition partition = leader(List.of(1, 2, 3), 2);
        assertEquals(new IsrState.Committed(List.of(1, 2, 3)), partition.isrState());
        assertEquals(-1L, partition.followerLogEndOffset(2));
        assertEquals(T0, partition.followerLastCaughtUpTimeMs(3), "ISR members get a full lag time from now");
        assertEquals(START_HW, partition.highWatermark());
        assertEquals(EPOCH_START, partition.leaderEpochStartOffset());
        assertTrue(partition.inFlightProposal().isEmpty());
    }

    @Test
    void becomeLeaderRefusesARegistrationThatNamesAnotherLeader() {
        PartitionRegistration other = registration(List.of(1, 2, 3), 2, LEADER_EPOCH, PARTITION_EPOCH,
                List.of(1, 2, 3), LeaderRecoveryState.RECOVERED);
        assertThrows(IllegalArgumentException.class,
                () -> Partition.becomeLeader(TOPIC, 0, LEADER, LEADER_BROKER_EPOCH, other, 100, 90, 1, T0));
        assertThrows(IllegalArgumentException.class, () -> Partition.becomeLeader(TOPIC, 0, LEADER,
                LEADER_BROKER_EPOCH, registration(List.of(1), PARTITION_EPOCH), 100, 101, 1, T0), "HW above LEO");
    }

    @Test
    void invariantsRunInTests() {
        assertTrue(Partition.class.desiredAssertionStatus(), "run tests with -ea: the invariants are assertions");
        // LeaderInIsr: a registration whose ISR lacks the leader breaks the leader state's invariant.
        PartitionRegistration leaderOutsideIsr = registration(List.of(2, 3), PARTITION_EPOCH);
        assertThrows(AssertionError.class, () -> Partition.becomeLeader(TOPIC, 0, LEADER, LEADER_BROKER_EPOCH,
                leaderOutsideIsr, EPOCH_START, START_HW, 1, T0));
        // ISR ⊆ replicas.
        PartitionRegistration isrOutsideReplicas = registration(List.of(1, 4), LEADER, LEADER_EPOCH, PARTITION_EPOCH,
                List.of(1, 2, 3), LeaderRecoveryState.RECOVERED);
        assertThrows(AssertionError.class, () -> Partition.becomeLeader(TOPIC, 0, LEADER, LEADER_BROKER_EPOCH,
                isrOutsideReplicas, EPOCH_START, START_HW, 1, T0));
    }

    // ---------------------------------------------------------------- high watermark

    @Test
    void highWatermarkIsTheMinimumLogEndOffsetOfTheIsrAndNeverMovesBack() {
        Partition partition = leader(List.of(1, 2, 3), 2);
        partition.updateLeaderLogEndOffset(120);
        assertFalse(partition.updateFollowerFetch(2, 12, 110, 120, T0 + 1), "follower 3 has not fetched yet");
        assertEquals(START_HW, partition.highWatermark());
        assertTrue(partition.updateFollowerFetch(3, 13, 105, 120, T0 + 2));
        assertEquals(105, partition.highWatermark());
        // A follower whose fetch offset regresses (it lost an unflushed tail) does not pull the HW back.
        assertFalse(partition.updateFollowerFetch(3, 13, 95, 120, T0 + 3));
        assertEquals(105, partition.highWatermark());
        partition.updateFollowerFetch(3, 13, 120, 120, T0 + 4);
        assertEquals(110, partition.highWatermark());
    }

    @Test
    void highWatermarkHoldsWhileTheIsrIsBelowMinInsyncReplicas() {
        Partition partition = leader(List.of(1), 2);
        assertTrue(partition.isUnderMinIsr());
        assertFalse(partition.updateLeaderLogEndOffset(150));
        partition.updateFollowerFetch(2, 12, 150, 150, T0 + 1);
        assertEquals(START_HW, partition.highWatermark(), "|ISR| = 1 < min.insync.replicas = 2");
        assertTrue(partition.updateMinInsyncReplicas(1));
        assertEquals(150, partition.highWatermark());
    }

    @Test
    void leaderAloneInTheIsrMovesTheHighWatermarkOnAppend() {
        Partition partition = leader(List.of(1), 1);
        assertTrue(partition.updateLeaderLogEndOffset(130));
        assertEquals(130, partition.highWatermark());
        assertThrows(IllegalArgumentException.class, () -> partition.updateLeaderLogEndOffset(129));
    }

    @Test
    void fetchesOutsideTheLogOrFromNonReplicasAreRefused() {
        Partition partition = leader(List.of(1, 2, 3), 1);
        assertThrows(IllegalArgumentException.class, () -> partition.updateFollowerFetch(4, 14, 100, 100, T0));
        assertThrows(IllegalArgumentException.class, () -> partition.updateFollowerFetch(2, 12, 101, 100, T0));
    }

    // ---------------------------------------------------------------- maximal ISR

    @Test
    void pendingShrinkKeepsTheOldLargerIsrForTheHighWatermark() {
        Partition partition = leader(List.of(1, 2, 3), 2);
        partition.updateLeaderLogEndOffset(120);
        partition.updateFollowerFetch(2, 12, 120, 120, T0 + 1);
        partition.updateFollowerFetch(3, 13, 100, 120, T0 + 1);
        assertEquals(100, partition.highWatermark());

        PartitionChangeProposal proposal = partition.maybeShrinkIsr(T0 + LAG_MS + 1, LAG_MS).orElseThrow();
        assertEquals(new IsrState.PendingShrink(List.of(1, 2, 3), Set.of(3)), partition.isrState());
        assertEquals(List.of(new BrokerState(1, LEADER_BROKER_EPOCH), new BrokerState(2, 12)), proposal.newIsr());
        assertEquals(LEADER_EPOCH, proposal.leaderEpoch());
        assertEquals(PARTITION_EPOCH, proposal.partitionEpoch());
        assertFalse(partition.maybeIncrementHighWatermark(), "3 still counts until the controller answers");
        assertEquals(100, partition.highWatermark());

        assertEquals(AlterPartitionOutcome.APPLIED,
                partition.handleAlterPartitionResponse(proposal, success(proposal, List.of(1, 2), PARTITION_EPOCH + 1)));
        assertEquals(new IsrState.Committed(List.of(1, 2)), partition.isrState());
        assertEquals(PARTITION_EPOCH + 1, partition.partitionEpoch());
        assertEquals(120, partition.highWatermark(), "the committed shrink lets the HW move");
    }

    @Test
    void pendingExpandCountsTheJoiningReplicaForTheHighWatermark() {
        Partition partition = leader(List.of(1, 2), 1);
        partition.updateLeaderLogEndOffset(120);
        partition.updateFollowerFetch(3, 13, 105, 120, T0 + 1);
        PartitionChangeProposal proposal = partition.maybeExpandIsr(3).orElseThrow();
        assertEquals(new IsrState.PendingExpand(List.of(1, 2), 3), partition.isrState());
        assertEquals(List.of(1, 2, 3), proposal.newIsr().stream().map(BrokerState::brokerId).toList());

        partition.updateFollowerFetch(2, 12, 120, 120, T0 + 2);
        assertEquals(105, partition.highWatermark(), "3 may already be in the ISR the controller commits");
        partition.updateFollowerFetch(3, 13, 120, 120, T0 + 3);
        assertEquals(120, partition.highWatermark());
    }

    // ---------------------------------------------------------------- expansion

    @Test
    void expansionWaitsForTheHighWatermarkAndTheEpochStartOffset() {
        Partition partition = leader(List.of(1, 2), 1);
        partition.updateLeaderLogEndOffset(120);
        partition.updateFollowerFetch(2, 12, 110, 120, T0);
        assertEquals(110, partition.highWatermark());

        partition.updateFollowerFetch(3, 13, 95, 120, T0);
        assertEquals(Optional.empty(), partition.maybeExpandIsr(3), "below the HW and the epoch start");
        partition.updateFollowerFetch(3, 13, 105, 120, T0);
        assertEquals(Optional.empty(), partition.maybeExpandIsr(3), "above the epoch start but below the HW");
        partition.updateFollowerFetch(3, 13, 110, 120, T0);
        assertTrue(partition.maybeExpandIsr(3).isPresent());
    }

    @Test
    void expansionNeedsTheEpochStartOffsetEvenAboveTheHighWatermark() {
        Partition partition = leader(List.of(1, 2), 2);
        partition.updateFollowerFetch(3, 13, 95, EPOCH_START, T0);
        assertTrue(95 >= partition.highWatermark());
        assertEquals(Optional.empty(), partition.maybeExpandIsr(3));
        partition.updateFollowerFetch(3, 13, EPOCH_START, EPOCH_START, T0);
        assertTrue(partition.maybeExpandIsr(3).isPresent());
    }

    @Test
    void noExpansionForMembersNonReplicasWhileInFlightOrRecovering() {
        Partition partition = leader(List.of(1, 2), 1);
        partition.updateFollowerFetch(2, 12, EPOCH_START, EPOCH_START, T0);
        partition.updateFollowerFetch(3, 13, EPOCH_START, EPOCH_START, T0);
        assertEquals(Optional.empty(), partition.maybeExpandIsr(2), "already a member");
        assertEquals(Optional.empty(), partition.maybeExpandIsr(4), "not a replica");
        assertEquals(Optional.empty(), partition.maybeExpandIsr(LEADER), "the leader itself");

        Partition shrinking = leader(List.of(1, 2), 1);
        shrinking.updateFollowerFetch(3, 13, EPOCH_START, EPOCH_START, T0);
        assertTrue(shrinking.maybeShrinkIsr(T0 + LAG_MS + 1, LAG_MS).isPresent());
        assertEquals(Optional.empty(), shrinking.maybeExpandIsr(3), "one AlterPartition in flight");

        Partition recovering = Partition.becomeLeader(TOPIC, 0, LEADER, LEADER_BROKER_EPOCH,
                registration(List.of(1), LEADER, LEADER_EPOCH, PARTITION_EPOCH, List.of(1, 2, 3),
                        LeaderRecoveryState.RECOVERING), EPOCH_START, START_HW, 1, T0);
        recovering.updateFollowerFetch(2, 12, EPOCH_START, EPOCH_START, T0);
        assertEquals(Optional.empty(), recovering.maybeExpandIsr(2), "a RECOVERING leader does not expand (KIP-704)");
    }

    // ---------------------------------------------------------------- shrink

    @Test
    void shrinkRemovesOnlyMembersBehindForLongerThanTheLagTime() {
        Partition partition = leader(List.of(1, 2, 3), 1);
        partition.updateLeaderLogEndOffset(120);
        partition.updateFollowerFetch(2, 12, 120, 120, T0 + 10);
        partition.updateFollowerFetch(3, 13, 110, 120, T0 + 10);
        assertEquals(Optional.empty(), partition.maybeShrinkIsr(T0 + LAG_MS, LAG_MS), "exactly the lag time");
        PartitionChangeProposal proposal = partition.maybeShrinkIsr(T0 + LAG_MS + 1, LAG_MS).orElseThrow();
        assertEquals(List.of(1, 2), proposal.newIsr().stream().map(BrokerState::brokerId).toList(),
                "2 is at the leader's LEO; the leader never removes itself");
        assertEquals(Optional.empty(), partition.maybeShrinkIsr(T0 + 10 * LAG_MS, LAG_MS), "one in flight");
    }

    // ---------------------------------------------------------------- controller answers and images

    @Test
    void retriableErrorKeepsTheProposalInFlight() {
        Partition partition = leader(List.of(1, 2, 3), 1);
        PartitionChangeProposal proposal = partition.maybeShrinkIsr(T0 + LAG_MS + 1, LAG_MS).orElseThrow();
        assertEquals(AlterPartitionOutcome.RETRY,
                partition.handleAlterPartitionResponse(proposal, failure(ControllerError.NOT_CONTROLLER)));
        assertEquals(Optional.of(proposal), partition.inFlightProposal());
        assertInstanceOf(IsrState.PendingShrink.class, partition.isrState());
    }

    @Test
    void ineligibleReplicaRevertsToTheCommittedIsr() {
        Partition partition = leader(List.of(1, 2), 1);
        partition.updateFollowerFetch(3, 13, EPOCH_START, EPOCH_START, T0);
        PartitionChangeProposal proposal = partition.maybeExpandIsr(3).orElseThrow();
        assertEquals(AlterPartitionOutcome.REVERTED,
                partition.handleAlterPartitionResponse(proposal, failure(ControllerError.INELIGIBLE_REPLICA)));
        assertEquals(new IsrState.Committed(List.of(1, 2)), partition.isrState());
        assertTrue(partition.inFlightProposal().isEmpty());
        assertTrue(partition.maybeExpandIsr(3).isPresent(), "a later attempt may propose again");
    }

    @Test
    void fencedAnswerWaitsForTheImageWhoseNewerPartitionEpochWins() {
        Partition partition = leader(List.of(1, 2, 3), 1);
        PartitionChangeProposal proposal = partition.maybeShrinkIsr(T0 + LAG_MS + 1, LAG_MS).orElseThrow();
        for (ControllerError error : List.of(ControllerError.FENCED_LEADER_EPOCH, ControllerError.INVALID_UPDATE_VERSION)) {
            assertEquals(AlterPartitionOutcome.AWAITING_METADATA,
                    partition.handleAlterPartitionResponse(proposal, failure(error)));
            assertInstanceOf(IsrState.PendingShrink.class, partition.isrState(), error.name());
        }
        assertEquals(ImageOutcome.APPLIED, partition.applyImage(registration(List.of(1, 3), PARTITION_EPOCH + 3)));
        assertEquals(new IsrState.Committed(List.of(1, 3)), partition.isrState());
        assertEquals(PARTITION_EPOCH + 3, partition.partitionEpoch());
        assertTrue(partition.inFlightProposal().isEmpty());
        // The old proposal's late success is stale: the image already moved past it.
        assertEquals(AlterPartitionOutcome.IGNORED_STALE,
                partition.handleAlterPartitionResponse(proposal, success(proposal, List.of(1, 2), PARTITION_EPOCH + 1)));
        assertEquals(new IsrState.Committed(List.of(1, 3)), partition.isrState());
    }

    @Test
    void staleAnswersAreIgnored() {
        Partition partition = leader(List.of(1, 2, 3), 1);
        PartitionChangeProposal first = partition.maybeShrinkIsr(T0 + LAG_MS + 1, LAG_MS).orElseThrow();
        assertEquals(AlterPartitionOutcome.REVERTED,
                partition.handleAlterPartitionResponse(first, failure(ControllerError.INELIGIBLE_REPLICA)));
        PartitionChangeProposal second = partition.maybeShrinkIsr(T0 + LAG_MS + 2, LAG_MS).orElseThrow();
        // Same content, so equal: a duplicate answer to the same proposal is the only legitimate match.
        assertEquals(first, second);

        Partition other = leader(List.of(1, 2, 3), 1);
        other.updateFollowerFetch(2, 12, EPOCH_START, EPOCH_START, T0 + LAG_MS);
        PartitionChangeProposal inFlight = other.maybeShrinkIsr(T0 + LAG_MS + 1, LAG_MS).orElseThrow();
        assertEquals(AlterPartitionOutcome.IGNORED_STALE,
                other.handleAlterPartitionResponse(first, success(first, List.of(1), PARTITION_EPOCH + 1)),
                "an answer for another proposal");
        assertEquals(AlterPartitionOutcome.IGNORED_STALE,
                other.handleAlterPartitionResponse(inFlight, success(inFlight, List.of(1, 2), PARTITION_EPOCH - 1)),
                "an answer older than the partition epoch held");
        PartitionChangeResult otherEpoch = new PartitionChangeResult(TOPIC, 0, ApiError.NONE, LEADER, LEADER_EPOCH + 1,
                List.of(1, 2), PARTITION_EPOCH + 1, LeaderRecoveryState.RECOVERED);
        assertEquals(AlterPartitionOutcome.IGNORED_STALE, other.handleAlterPartitionResponse(inFlight, otherEpoch),
                "an answer for another leader epoch");
        assertInstanceOf(IsrState.PendingShrink.class, other.isrState());

        Partition idle = leader(List.of(1, 2, 3), 1);
        assertEquals(AlterPartitionOutcome.IGNORED_STALE,
                idle.handleAlterPartitionResponse(inFlight, success(inFlight, List.of(1, 2), PARTITION_EPOCH + 1)),
                "nothing in flight");
        assertEquals(new IsrState.Committed(List.of(1, 2, 3)), idle.isrState());
    }

    @Test
    void answerForAnotherPartitionIsAProgrammingError() {
        Partition partition = leader(List.of(1, 2, 3), 1);
        PartitionChangeProposal proposal = partition.maybeShrinkIsr(T0 + LAG_MS + 1, LAG_MS).orElseThrow();
        PartitionChangeResult wrong = new PartitionChangeResult(TOPIC, 1, ApiError.NONE, LEADER, LEADER_EPOCH,
                List.of(1), PARTITION_EPOCH + 1, LeaderRecoveryState.RECOVERED);
        assertThrows(IllegalArgumentException.class, () -> partition.handleAlterPartitionResponse(proposal, wrong));
    }

    @Test
    void imagesNotNewerAreIgnoredAndNewLeadershipIsReported() {
        Partition partition = leader(List.of(1, 2, 3), 1);
        PartitionChangeProposal proposal = partition.maybeShrinkIsr(T0 + LAG_MS + 1, LAG_MS).orElseThrow();
        assertEquals(ImageOutcome.IGNORED_STALE, partition.applyImage(registration(List.of(1), PARTITION_EPOCH)));
        assertEquals(ImageOutcome.IGNORED_STALE, partition.applyImage(registration(List.of(1), LEADER, LEADER_EPOCH - 1,
                PARTITION_EPOCH + 5, List.of(1, 2, 3), LeaderRecoveryState.RECOVERED)));
        assertEquals(ImageOutcome.LEADERSHIP_CHANGED, partition.applyImage(registration(List.of(1, 2), LEADER,
                LEADER_EPOCH + 1, PARTITION_EPOCH + 1, List.of(1, 2, 3), LeaderRecoveryState.RECOVERED)));
        assertEquals(ImageOutcome.LEADERSHIP_CHANGED, partition.applyImage(registration(List.of(2, 3), 2,
                LEADER_EPOCH + 1, PARTITION_EPOCH + 1, List.of(1, 2, 3), LeaderRecoveryState.RECOVERED)));
        assertSame(proposal, partition.inFlightProposal().orElseThrow(), "nothing changed");
        assertEquals(PARTITION_EPOCH, partition.partitionEpoch());
    }

    @Test
    void imageWithNewReplicasTracksThemAndDropsRemovedOnes() {
        Partition partition = leader(List.of(1, 2), 1);
        partition.updateFollowerFetch(2, 12, 100, 100, T0);
        assertEquals(ImageOutcome.APPLIED, partition.applyImage(registration(List.of(1, 2), LEADER, LEADER_EPOCH,
                PARTITION_EPOCH + 1, List.of(1, 2, 4), LeaderRecoveryState.RECOVERED)));
        assertEquals(List.of(1, 2, 4), partition.replicas());
        assertEquals(100, partition.followerLogEndOffset(2), "a kept follower keeps its progress");
        assertEquals(-1, partition.followerLogEndOffset(4));
        assertThrows(IllegalArgumentException.class, () -> partition.updateFollowerFetch(3, 13, 100, 100, T0));
    }

    @Test
    void produceIsRefusedBeforeAppendWhileUnderMinIsr() {
        Partition partition = leader(List.of(1, 2), 3);
        assertEquals(ReplicationError.NOT_ENOUGH_REPLICAS, partition.checkProduce(ProduceAcks.ALL));
        assertEquals(ReplicationError.NONE, partition.checkProduce(ProduceAcks.LEADER));
        assertEquals(ReplicationError.INVALID_REQUIRED_ACKS, partition.checkProduce(2));
        partition.updateMinInsyncReplicas(2);
        assertEquals(ReplicationError.NONE, partition.checkProduce(ProduceAcks.ALL));
    }

    // ---------------------------------------------------------------- property

    /**
     * Random interleavings of appends, fetches, shrinks, expansions and controller answers: the HW
     * never moves back, never moves while |ISR| &lt; min.insync.replicas, and once above its
     * starting value never exceeds the LEO of a member of the committed or the proposed ISR (followers' LEOs only grow
     * here). A failure names the seed of the interleaving.
     */
    @Test
    void highWatermarkRulesHoldUnderRandomInterleavings() {
        qt().withFixedSeed(20_260_5L).withExamples(300).forAll(longs().all()).checkAssert(PartitionTest::interleave);
    }

    private static void interleave(long seed) {
        Random random = new Random(seed);
        List<Integer> isr = new ArrayList<>(List.of(1));
        for (int id : List.of(2, 3)) {
            if (random.nextBoolean()) {
                isr.add(id);
            }
        }
        Partition partition = leader(isr, 1 + random.nextInt(3));
        Map<Integer, Long> followerLeo = new HashMap<>(Map.of(2, -1L, 3, -1L));
        long leaderLeo = EPOCH_START;
        long nowMs = T0;
        int partitionEpoch = PARTITION_EPOCH;
        for (int step = 0; step < 200; step++) {
            long hwBefore = partition.highWatermark();
            boolean underMinBefore = partition.isUnderMinIsr();
            String where = "seed " + seed + " step " + step + ": " + partition;
            int follower = 2 + random.nextInt(2);
            switch (random.nextInt(6)) {
                case 0 -> {
                    leaderLeo += random.nextInt(6);
                    partition.updateLeaderLogEndOffset(leaderLeo);
                }
                case 1 -> {
                    long from = Math.max(followerLeo.get(follower), 80L);
                    long fetchOffset = from + (long) (random.nextDouble() * (leaderLeo - from + 1));
                    followerLeo.put(follower, fetchOffset);
                    partition.updateFollowerFetch(follower, 10 + follower, fetchOffset, leaderLeo, nowMs);
                }
                case 2 -> partition.maybeShrinkIsr(nowMs, LAG_MS);
                case 3 -> partition.maybeExpandIsr(follower);
                case 4 -> nowMs += random.nextInt((int) LAG_MS);
                default -> {
                    Optional<PartitionChangeProposal> inFlight = partition.inFlightProposal();
                    if (inFlight.isPresent()) {
                        PartitionChangeProposal proposal = inFlight.get();
                        PartitionChangeResult answer = random.nextInt(3) > 0
                                ? success(proposal, proposal.newIsr().stream().map(BrokerState::brokerId).toList(),
                                        ++partitionEpoch)
                                : failure(ControllerError.INELIGIBLE_REPLICA);
                        partition.handleAlterPartitionResponse(proposal, answer);
                    }
                }
            }
            long hw = partition.highWatermark();
            assertTrue(hw >= hwBefore, where + " HW moved back to " + hw);
            if (hw != hwBefore) {
                assertFalse(underMinBefore && partition.isUnderMinIsr(), where + " HW moved under min ISR");
            }
            if (hw > START_HW) {
                // Every ISR the controller may commit: the committed one and the one in flight.
                List<Integer> mayCommit = new ArrayList<>(partition.isrState().isr());
                partition.inFlightProposal().ifPresent(p -> p.newIsr().forEach(m -> mayCommit.add(m.brokerId())));
                for (int id : mayCommit) {
                    long leo = id == LEADER ? leaderLeo : followerLeo.get(id);
                    assertTrue(leo >= hw, where + " ISR member " + id + " at " + leo + " < HW " + hw);
                }
            }
        }
    }
}
