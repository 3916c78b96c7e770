package io.kraftlet.controller;

import static io.kraftlet.controller.TestImages.part;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.image.PartitionRegistration;
import io.kraftlet.metadata.LeaderRecoveryState;
import io.kraftlet.metadata.MetadataRecord;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

/** The partition change rules of DESIGN §3: leader choice per election type, a never-empty ISR, and the ELR. */
class PartitionChangeBuilderTest {
    private static final UUID TOPIC = TestImages.topicId("t");

    private static IntPredicate alive(Integer... ids) {
        Set<Integer> live = Set.of(ids);
        return live::contains;
    }

    private static PartitionChangeBuilder builder(TestImages.Part partition, IntPredicate isActive, int minIsr,
            boolean uncleanAllowed) {
        return new PartitionChangeBuilder(partition.registration(), TOPIC, 0, isActive, minIsr, uncleanAllowed);
    }

    /** The change, which must exist, applied to the partition. */
    private static PartitionRegistration after(TestImages.Part partition, PartitionChangeBuilder builder) {
        Optional<MetadataRecord.PartitionChange> change = builder.build();
        assertTrue(change.isPresent(), "expected a change of " + partition.registration());
        assertEquals(TOPIC, change.get().topicId());
        return partition.registration().merge(change.get());
    }

    private static void assertElrDisjointFromIsr(PartitionRegistration partition) {
        assertTrue(Collections.disjoint(partition.elr(), partition.isr()), "ELR overlaps ISR in " + partition);
    }

    // ---------------------------------------------------------------- the ISR never empties

    @Test
    void removingTheLastIsrMemberKeepsItAndLeavesThePartitionLeaderless() {
        TestImages.Part p = part("t", 0).replicas(1, 2, 3).isr(1).leader(1);
        PartitionRegistration next = after(p, builder(p, alive(2, 3), 1, false).targetIsr(List.of()));
        assertEquals(List.of(1), next.isr(), "the last ISR member stays, so no data silently disappears");
        assertEquals(MetadataRecord.NO_LEADER, next.leader());
    }

    @Test
    void anEmptyTargetIsrWithALiveLastMemberKeepsItsLeader() {
        TestImages.Part p = part("t", 0).replicas(1, 2).isr(1).leader(1);
        assertEquals(Optional.empty(), builder(p, alive(1, 2), 1, false).targetIsr(List.of()).build());
    }

    // ---------------------------------------------------------------- ONLINE

    @Test
    void onlineKeepsALiveLeaderThatIsInTheIsr() {
        TestImages.Part p = part("t", 0).replicas(1, 2, 3).isr(1, 2, 3).leader(2);
        PartitionRegistration next = after(p, builder(p, alive(1, 2, 3), 1, false).targetIsr(List.of(2, 3)));
        assertEquals(2, next.leader(), "replicas[0] is alive too, but a live ISR leader is never moved by ONLINE");
        assertEquals(List.of(2, 3), next.isr());
    }

    @Test
    void onlinePicksTheFirstLiveIsrMemberInAssignmentOrderNotIsrOrder() {
        TestImages.Part p = part("t", 0).replicas(3, 1, 2).isr(2, 1, 3).leader(3);
        PartitionRegistration next = after(p, builder(p, alive(1, 2), 1, false));
        assertEquals(1, next.leader(), "3 is dead; in assignment order [3, 1, 2] the next live ISR member is 1");
    }

    @Test
    void onlineSkipsLiveReplicasOutsideTheIsr() {
        TestImages.Part p = part("t", 0).replicas(1, 2, 3).isr(1, 3).leader(1);
        PartitionRegistration next = after(p, builder(p, alive(2, 3), 1, true));
        assertEquals(3, next.leader(), "2 is alive and earlier but not in the ISR");
        assertFalse(builder(p, alive(2, 3), 1, true).uncleanElection());
    }

    @Test
    void onlineReelectsWhenTheTargetIsrDropsTheLeader() {
        TestImages.Part p = part("t", 0).replicas(1, 2, 3).isr(1, 2, 3).leader(1);
        PartitionRegistration next = after(p, builder(p, alive(2, 3), 1, false).targetIsr(List.of(2, 3)));
        assertEquals(2, next.leader());
        assertEquals(List.of(2, 3), next.isr());
    }

    @Test
    void onlineFallsBackToTheFirstLiveElrMemberAndShrinksTheIsrToIt() {
        TestImages.Part p = part("t", 0).replicas(1, 2, 3).isr(1).elr(3, 2).leader(-1);
        PartitionChangeBuilder builder = builder(p, alive(2, 3), 2, false);
        PartitionRegistration next = after(p, builder);
        assertEquals(2, next.leader(), "ELR members are tried in assignment order: 2 before 3");
        assertEquals(List.of(2), next.isr(), "an ELR leader becomes the whole ISR");
        assertFalse(next.elr().contains(2));
        assertTrue(next.elr().containsAll(List.of(1, 3)), "the old last ISR member and 3 stay eligible: " + next);
        assertElrDisjointFromIsr(next);
        assertEquals(LeaderRecoveryState.RECOVERED, next.leaderRecoveryState());
        assertFalse(builder.uncleanElection(), "an ELR member holds everything below the high watermark");
    }

    @Test
    void onlineLeavesThePartitionLeaderlessWhenNoIsrOrElrMemberIsAlive() {
        TestImages.Part p = part("t", 0).replicas(1, 2, 3).isr(1).elr(2).leader(1);
        PartitionChangeBuilder builder = builder(p, alive(3), 2, false);
        PartitionRegistration next = after(p, builder);
        assertEquals(MetadataRecord.NO_LEADER, next.leader(), "3 is alive but neither in the ISR nor the ELR");
        assertEquals(List.of(1), next.isr());
        assertFalse(builder.uncleanElection());
    }

    // ---------------------------------------------------------------- UNCLEAN

    @Test
    void uncleanElectionNeverHappensWhenTheTopicForbidsIt() {
        TestImages.Part p = part("t", 0).replicas(1, 2, 3).isr(1).leader(-1);
        PartitionChangeBuilder builder = builder(p, alive(2, 3), 1, false).election(ElectionType.UNCLEAN);
        assertEquals(Optional.empty(), builder.build(), "nothing may change: no clean candidate, unclean forbidden");
        assertFalse(builder.uncleanElection());
    }

    @Test
    void uncleanElectionPrefersLastKnownElrMembersThenAssignmentOrder() {
        TestImages.Part p = part("t", 0).replicas(1, 2, 3).isr(1).lastKnownElr(3).leader(-1);
        PartitionChangeBuilder builder = builder(p, alive(2, 3), 1, true).election(ElectionType.UNCLEAN);
        PartitionRegistration next = after(p, builder);
        assertEquals(3, next.leader(), "3 was in the last-known ELR; 2 comes first in assignment order");
        assertTrue(builder.uncleanElection());

        TestImages.Part noHint = part("t", 0).replicas(1, 3, 2).isr(1).leader(-1);
        assertEquals(3, after(noHint, builder(noHint, alive(2, 3), 1, true)).leader(),
                "without last-known ELR members the first live replica in assignment order leads");
    }

    @Test
    void uncleanElectionRecoversTheLeaderClearsTheElrsAndReportsItself() {
        TestImages.Part p = part("t", 0).replicas(1, 2, 3).isr(1).elr(2).lastKnownElr(3).leader(-1).epochs(4, 9);
        PartitionChangeBuilder builder = builder(p, alive(3), 2, true).election(ElectionType.UNCLEAN);
        PartitionRegistration next = after(p, builder);
        assertEquals(3, next.leader());
        assertEquals(List.of(3), next.isr());
        assertEquals(List.of(), next.elr());
        assertEquals(List.of(), next.lastKnownElr());
        assertEquals(LeaderRecoveryState.RECOVERING, next.leaderRecoveryState());
        assertTrue(builder.uncleanElection());
        assertEquals(5, next.leaderEpoch());
        assertEquals(10, next.partitionEpoch());
    }

    @Test
    void uncleanAllowedStillElectsCleanlyWhenAnElrMemberIsAlive() {
        TestImages.Part p = part("t", 0).replicas(1, 2, 3).isr(1).elr(2).leader(-1);
        PartitionChangeBuilder builder = builder(p, alive(2, 3), 2, true).election(ElectionType.UNCLEAN);
        PartitionRegistration next = after(p, builder);
        assertEquals(2, next.leader());
        assertEquals(LeaderRecoveryState.RECOVERED, next.leaderRecoveryState());
        assertFalse(builder.uncleanElection());
    }

    @Test
    void uncleanElectionFlagResetsOnTheNextBuild() {
        TestImages.Part p = part("t", 0).replicas(1, 2).isr(1).leader(-1);
        PartitionChangeBuilder builder = builder(p, alive(2), 1, true);
        builder.build();
        assertTrue(builder.uncleanElection());
        builder.election(ElectionType.PREFERRED).build();
        assertFalse(builder.uncleanElection());
    }

    // ---------------------------------------------------------------- PREFERRED

    @Test
    void preferredMovesLeadershipToReplicaZeroWhenInIsrAndAlive() {
        TestImages.Part p = part("t", 0).replicas(1, 2, 3).isr(2, 3, 1).leader(2).epochs(3, 5);
        PartitionRegistration next = after(p, builder(p, alive(1, 2, 3), 1, false).election(ElectionType.PREFERRED));
        assertEquals(1, next.leader());
        assertEquals(List.of(2, 3, 1), next.isr());
        assertEquals(4, next.leaderEpoch());
        assertEquals(6, next.partitionEpoch());
    }

    @Test
    void preferredDoesNothingWhenReplicaZeroIsNotInTheIsr() {
        TestImages.Part p = part("t", 0).replicas(1, 2, 3).isr(2, 3).leader(2);
        assertEquals(Optional.empty(), builder(p, alive(1, 2, 3), 1, false).election(ElectionType.PREFERRED).build());
    }

    @Test
    void preferredDoesNothingWhenReplicaZeroIsNotAlive() {
        TestImages.Part p = part("t", 0).replicas(1, 2, 3).isr(1, 2, 3).leader(2);
        assertEquals(Optional.empty(), builder(p, alive(2, 3), 1, false).election(ElectionType.PREFERRED).build());
    }

    @Test
    void preferredNeverElectsAnyoneElseEvenWithADeadLeaderAndUncleanAllowed() {
        // The leader 2 is dead; 3 is a live ISR member and would win an ONLINE election, and
        // 4 is a live replica an unclean election could pick. PREFERRED may only pick 1.
        TestImages.Part p = part("t", 0).replicas(1, 2, 3, 4).isr(2, 3).elr(4).leader(2);
        PartitionChangeBuilder builder = builder(p, alive(3, 4), 3, true).election(ElectionType.PREFERRED);
        Optional<MetadataRecord.PartitionChange> change = builder.build();
        assertTrue(change.isEmpty() || change.get().leader() == null, "a PREFERRED election changed the leader: "
                + change);
        assertFalse(builder.uncleanElection(), "a preferred election is never unclean");

        TestImages.Part leaderless = part("t", 0).replicas(1, 2, 3).isr(2).leader(-1);
        PartitionChangeBuilder second = builder(leaderless, alive(3), 1, true).election(ElectionType.PREFERRED);
        assertEquals(Optional.empty(), second.build());
        assertFalse(second.uncleanElection());
    }

    // ---------------------------------------------------------------- ELR

    @Test
    void membersDroppedBelowMinIsrJoinTheElr() {
        TestImages.Part p = part("t", 0).replicas(1, 2, 3).isr(1, 2).leader(1);
        PartitionRegistration next = after(p, builder(p, alive(1, 2, 3), 2, false).targetIsr(List.of(1)));
        assertEquals(List.of(1), next.isr());
        assertEquals(List.of(2), next.elr());
    }

    @Test
    void membersDroppedWhileTheIsrStaysAtMinIsrDoNotJoinTheElr() {
        TestImages.Part p = part("t", 0).replicas(1, 2, 3).isr(1, 2, 3).leader(1);
        PartitionRegistration next = after(p, builder(p, alive(1, 2, 3), 2, false).targetIsr(List.of(1, 2)));
        assertEquals(List.of(1, 2), next.isr());
        assertEquals(List.of(), next.elr());
    }

    @Test
    void severalMembersDroppedAtOnceBelowMinIsrAllJoinTheElr() {
        TestImages.Part p = part("t", 0).replicas(1, 2, 3).isr(1, 2, 3).leader(1);
        PartitionRegistration next = after(p, builder(p, alive(1, 2, 3), 3, false).targetIsr(List.of(1)));
        assertEquals(Set.of(2, 3), Set.copyOf(next.elr()));
    }

    @Test
    void elrIsClearedOnceTheIsrReachesMinIsr() {
        TestImages.Part p = part("t", 0).replicas(1, 2, 3).isr(1).elr(2).lastKnownElr(3).leader(1);
        PartitionRegistration next = after(p, builder(p, alive(1, 2, 3), 2, false).targetIsr(List.of(1, 3)));
        assertEquals(List.of(1, 3), next.isr());
        assertEquals(List.of(), next.elr());
        assertEquals(List.of(), next.lastKnownElr());
    }

    @Test
    void aMemberRejoiningTheIsrLeavesTheElr() {
        TestImages.Part p = part("t", 0).replicas(1, 2, 3).isr(1).elr(2, 3).leader(1);
        PartitionRegistration next = after(p, builder(p, alive(1, 2, 3), 3, false).targetIsr(List.of(1, 2)));
        assertEquals(List.of(1, 2), next.isr());
        assertEquals(List.of(3), next.elr(), "still below min ISR 3, so the ELR stays, minus the member that rejoined");
        assertElrDisjointFromIsr(next);
    }

    @Test
    void uncleanlyRestartedBrokersMoveFromTheElrToTheLastKnownElr() {
        TestImages.Part p = part("t", 0).replicas(1, 2, 3).isr(1).elr(2, 3).leader(1);
        PartitionRegistration next = after(p, builder(p, alive(1, 2, 3), 3, false).uncleanlyRestarted(2));
        assertEquals(List.of(3), next.elr());
        assertEquals(List.of(2), next.lastKnownElr());
        assertEquals(1, next.leader());
    }

    @Test
    void anUncleanlyRestartedBrokerDroppedFromTheIsrDoesNotJoinTheElr() {
        TestImages.Part p = part("t", 0).replicas(1, 2, 3).isr(1, 2).leader(1);
        PartitionRegistration next = after(p, builder(p, alive(1, 3), 2, false).targetIsr(List.of(1))
                .uncleanlyRestarted(2));
        assertEquals(List.of(1), next.isr());
        assertFalse(next.elr().contains(2), "a broker that may have lost data is not an eligible leader: " + next);
    }

    @Test
    void anUncleanRestartOfABrokerNotInTheElrChangesNothing() {
        TestImages.Part p = part("t", 0).replicas(1, 2, 3).isr(1, 2, 3).leader(1);
        assertEquals(Optional.empty(), builder(p, alive(1, 2, 3), 2, false).uncleanlyRestarted(3).build());
    }

    // ---------------------------------------------------------------- records and epochs

    @Test
    void noChangeGivesNoRecord() {
        TestImages.Part p = part("t", 0).replicas(1, 2, 3).isr(1, 2, 3).leader(1);
        assertEquals(Optional.empty(), builder(p, alive(1, 2, 3), 2, false).build());
        assertEquals(Optional.empty(), builder(p, alive(1, 2, 3), 2, false).targetIsr(List.of(1, 2, 3)).build());
        assertEquals(Optional.empty(), builder(p, alive(1, 2, 3), 2, false)
                .targetLeaderRecoveryState(LeaderRecoveryState.RECOVERED).build());
    }

    @Test
    void anIsrChangeWritesOnlyTheIsrAndBumpsOnlyThePartitionEpoch() {
        TestImages.Part p = part("t", 0).replicas(1, 2, 3).isr(1, 2, 3).leader(1).epochs(7, 11);
        MetadataRecord.PartitionChange change = builder(p, alive(1, 2, 3), 1, false).targetIsr(List.of(1, 3))
                .build().orElseThrow();
        assertNull(change.leader(), "the leader did not change, so the record leaves it out");
        assertEquals(List.of(1, 3), change.isr());
        assertNull(change.elr());
        assertNull(change.replicas());
        assertFalse(change.bumpLeaderEpoch());
        PartitionRegistration next = p.registration().merge(change);
        assertEquals(7, next.leaderEpoch());
        assertEquals(12, next.partitionEpoch());
    }

    @Test
    void aLeaderChangeBumpsBothEpochs() {
        TestImages.Part p = part("t", 0).replicas(1, 2, 3).isr(1, 2, 3).leader(1).epochs(7, 11);
        PartitionRegistration next = after(p, builder(p, alive(2, 3), 1, false));
        assertEquals(2, next.leader());
        assertEquals(8, next.leaderEpoch());
        assertEquals(12, next.partitionEpoch());
    }

    @Test
    void aRecoveredLeaderClearsTheRecoveringState() {
        TestImages.Part p = part("t", 0).replicas(1, 2).isr(1).leader(1).recovering().epochs(2, 2);
        MetadataRecord.PartitionChange change = builder(p, alive(1, 2), 1, false)
                .targetLeaderRecoveryState(LeaderRecoveryState.RECOVERED).build().orElseThrow();
        assertEquals(LeaderRecoveryState.RECOVERED, change.leaderRecoveryState());
        PartitionRegistration next = p.registration().merge(change);
        assertEquals(2, next.leaderEpoch());
        assertEquals(3, next.partitionEpoch());
    }
}
