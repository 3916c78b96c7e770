package io.kraftlet.replication;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.controller.ApiError;
import io.kraftlet.controller.ControllerApi.BrokerState;
import io.kraftlet.controller.ControllerApi.PartitionChangeProposal;
import io.kraftlet.controller.ControllerApi.PartitionChangeResult;
import io.kraftlet.image.PartitionRegistration;
import io.kraftlet.metadata.LeaderRecoveryState;
import io.kraftlet.raft.Batch;
import io.kraftlet.replication.log.EpochEndOffset;
import io.kraftlet.replication.log.MemoryPartitionLog;
import io.kraftlet.replication.log.PartitionLog;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Scenario tests of the follower-fetch protocol (DESIGN.md §4): one leader ({@link Partition} +
 * {@link LeaderFetchHandler}) and two {@link FollowerPartition}s over {@link MemoryPartitionLog}s,
 * driven by hand one fetch at a time.
 */
class FetchProtocolTest {
    private static final UUID TOPIC = new UUID(3, 4);
    private static final List<Integer> REPLICAS = List.of(1, 2, 3);
    private static final int RESPONSE_MAX_BYTES = 1 << 20;
    /** A fetch cap below one test batch: every fetch returns exactly one batch ("min one batch"). */
    private static final int ONE_BATCH_BYTES = 1;
    private static final int ROUNDS_MAX = 50;
    private static final long T0 = 1_000L;

    /** One broker's leader role in one epoch. */
    private record Leader(int id, Partition partition, PartitionLog log, LeaderFetchHandler handler) {
        void append(int epoch, int records) {
            List<byte[]> payload = new ArrayList<>();
            for (int i = 0; i < records; i++) {
                payload.add(("r" + (log.endOffset() + i) + "@" + epoch + "/" + id).getBytes(StandardCharsets.UTF_8));
            }
            log.appendAsLeader(epoch, payload, T0);
            partition.updateLeaderLogEndOffset(log.endOffset());
        }
    }

    private static PartitionRegistration registration(List<Integer> isr, int leader, int leaderEpoch,
            int partitionEpoch, LeaderRecoveryState recovery) {
        int[] none = {};
        return new PartitionRegistration(REPLICAS.stream().mapToInt(Integer::intValue).toArray(),
                isr.stream().mapToInt(Integer::intValue).toArray(), none, none, leader, recovery, leaderEpoch,
                partitionEpoch);
    }

    private static Leader leader(int id, PartitionLog log, long highWatermark, List<Integer> isr, int leaderEpoch,
            int minIsr) {
        Partition partition = Partition.becomeLeader(TOPIC, 0, id, 100L + id,
                registration(isr, id, leaderEpoch, 1, LeaderRecoveryState.RECOVERED), log.endOffset(), highWatermark,
                minIsr, T0);
        return new Leader(id, partition, log, new LeaderFetchHandler(TOPIC, 0, id, partition, log, RESPONSE_MAX_BYTES));
    }

    private static FollowerPartition follower(int id, PartitionLog log, long highWatermark, int leaderEpoch,
            int fetchMaxBytes) {
        return new FollowerPartition(TOPIC, 0, id, 100L + id, leaderEpoch, LeaderRecoveryState.RECOVERED, log,
                highWatermark, fetchMaxBytes);
    }

    /** One fetch round trip; returns the leader's result, after the follower applied the answer. */
    private static LeaderFetchHandler.Result fetch(Leader leader, FollowerPartition follower,
            List<FollowerFetchOutcome> outcomes) {
        LeaderFetchHandler.Result result = leader.handler().handleFetchRequest(follower.buildFetchRequest(), T0);
        outcomes.add(follower.handleFetchResponse(result.response()));
        return result;
    }

    /** Fetches round-robin until no follower changes and every HW equals the leader's LEO; bounded. */
    private static int converge(Leader leader, FollowerPartition... followers) {
        for (int round = 1; round <= ROUNDS_MAX; round++) {
            for (FollowerPartition follower : followers) {
                fetch(leader, follower, new ArrayList<>());
            }
            boolean done = leader.partition().highWatermark() == leader.log().endOffset();
            for (FollowerPartition follower : followers) {
                done &= follower.logEndOffset() == leader.log().endOffset()
                        && follower.highWatermark() == leader.partition().highWatermark();
            }
            if (done) {
                return round;
            }
        }
        throw new AssertionError("no convergence within " + ROUNDS_MAX + " rounds");
    }

    private static void assertSameLog(MemoryPartitionLog expected, MemoryPartitionLog actual) {
        List<Batch> want = expected.batches();
        List<Batch> got = actual.batches();
        assertEquals(want.toString(), got.toString());
        for (int i = 0; i < want.size(); i++) {
            assertEquals(want.get(i).records().size(), got.get(i).records().size());
            for (int r = 0; r < want.get(i).records().size(); r++) {
                assertArrayEquals(want.get(i).records().get(r), got.get(i).records().get(r), want.get(i) + " record " + r);
            }
        }
    }

    @Test
    void emptyFollowersCatchUpOneBatchPerFetchAndTakeTheHighWatermark() {
        MemoryPartitionLog log1 = new MemoryPartitionLog();
        MemoryPartitionLog log2 = new MemoryPartitionLog();
        MemoryPartitionLog log3 = new MemoryPartitionLog();
        Leader leader = leader(1, log1, 0L, REPLICAS, 1, 2);
        for (int i = 0; i < 4; i++) {
            leader.append(1, 2);
        }
        FollowerPartition f2 = follower(2, log2, 0L, 1, ONE_BATCH_BYTES);
        FollowerPartition f3 = follower(3, log3, 0L, 1, ONE_BATCH_BYTES);

        FetchPartitionRequest first = f2.buildFetchRequest();
        assertEquals(0L, first.fetchOffset());
        assertEquals(FetchPartitionRequest.NO_LAST_FETCHED_EPOCH, first.lastFetchedEpoch());

        int rounds = converge(leader, f2, f3);
        // Four batches one at a time, then one fetch at the LEO to tell the leader, then one to learn the HW.
        assertEquals(6, rounds);
        assertEquals(8L, leader.partition().highWatermark());
        assertSameLog(log1, log2);
        assertSameLog(log1, log3);
        FetchPartitionRequest last = f3.buildFetchRequest();
        assertEquals(8L, last.fetchOffset());
        assertEquals(1, last.lastFetchedEpoch());
    }

    @Test
    void highWatermarkWaitsForEveryIsrMemberAndReportsTheValueAfterTheFetch() {
        MemoryPartitionLog log1 = new MemoryPartitionLog();
        Leader leader = leader(1, log1, 0L, REPLICAS, 1, 2);
        leader.append(1, 3);
        FollowerPartition f2 = follower(2, new MemoryPartitionLog(), 0L, 1, RESPONSE_MAX_BYTES);
        FollowerPartition f3 = follower(3, new MemoryPartitionLog(), 0L, 1, RESPONSE_MAX_BYTES);
        List<FollowerFetchOutcome> outcomes = new ArrayList<>();

        fetch(leader, f2, outcomes);
        LeaderFetchHandler.Result atEnd = fetch(leader, f2, outcomes);
        // Follower 2 holds everything, but follower 3 (in the ISR) holds nothing: no HW yet.
        assertFalse(atEnd.highWatermarkAdvanced());
        assertEquals(0L, atEnd.response().highWatermark());
        assertEquals(0L, f2.highWatermark());

        fetch(leader, f3, outcomes);
        assertEquals(0L, leader.partition().highWatermark());
        LeaderFetchHandler.Result f3AtEnd = fetch(leader, f3, outcomes);
        assertTrue(f3AtEnd.highWatermarkAdvanced());
        // The answer carries the HW that this very fetch produced, so f3 learns it at once.
        assertEquals(3L, f3AtEnd.response().highWatermark());
        assertEquals(3L, f3.highWatermark());
        assertEquals(0L, f2.highWatermark());
        fetch(leader, f2, outcomes);
        assertEquals(3L, f2.highWatermark());
    }

    @Test
    void highWatermarkHoldsBelowMinIsrUntilTheExpansionIsCommitted() {
        MemoryPartitionLog log1 = new MemoryPartitionLog();
        Leader leader = leader(1, log1, 0L, List.of(1), 1, 2);
        leader.append(1, 2);
        FollowerPartition f2 = follower(2, new MemoryPartitionLog(), 0L, 1, RESPONSE_MAX_BYTES);
        List<FollowerFetchOutcome> outcomes = new ArrayList<>();

        LeaderFetchHandler.Result copy = fetch(leader, f2, outcomes);
        assertEquals(2L, f2.logEndOffset());
        // Follower 2 fetched from 0 = HW: eligible for the ISR already, as Kafka's maybeExpandIsr decides.
        Optional<PartitionChangeProposal> proposal = copy.isrProposal();
        assertTrue(proposal.isPresent());
        assertEquals(List.of(new BrokerState(1, 101L), new BrokerState(2, 102L)), proposal.get().newIsr());

        LeaderFetchHandler.Result atEnd = fetch(leader, f2, outcomes);
        // |ISR| = 1 < min.insync.replicas = 2 while the expansion is in flight: the HW must not move.
        assertEquals(0L, leader.partition().highWatermark());
        assertEquals(0L, atEnd.response().highWatermark());
        assertTrue(atEnd.isrProposal().isEmpty(), "one AlterPartition in flight");

        leader.partition().handleAlterPartitionResponse(proposal.get(), new PartitionChangeResult(TOPIC, 0,
                ApiError.NONE, 1, 1, List.of(1, 2), 2, LeaderRecoveryState.RECOVERED));
        assertEquals(2L, leader.partition().highWatermark());
        fetch(leader, f2, outcomes);
        assertEquals(2L, f2.highWatermark());
    }

    @Test
    void anUncommittedTailOfTheOldLeaderIsTruncatedToTheDivergencePointAndLogsConverge() {
        MemoryPartitionLog log1 = new MemoryPartitionLog();
        MemoryPartitionLog log2 = new MemoryPartitionLog();
        MemoryPartitionLog log3 = new MemoryPartitionLog();
        Leader oldLeader = leader(1, log1, 0L, REPLICAS, 1, 2);
        oldLeader.append(1, 2);
        FollowerPartition f2 = follower(2, log2, 0L, 1, RESPONSE_MAX_BYTES);
        FollowerPartition f3 = follower(3, log3, 0L, 1, RESPONSE_MAX_BYTES);
        converge(oldLeader, f2, f3);
        assertEquals(2L, f2.highWatermark());
        // Broker 1 appends a tail of epoch 1 that no follower fetches, so it is never committed.
        oldLeader.append(1, 2);
        oldLeader.append(1, 1);
        assertEquals(5L, log1.endOffset());

        // A clean election makes broker 2 the leader of epoch 2; it writes offsets 2..5 anew.
        Leader newLeader = leader(2, log2, f2.highWatermark(), REPLICAS, 2, 2);
        newLeader.append(2, 3);
        newLeader.append(2, 1);
        FollowerPartition f1 = follower(1, log1, oldLeader.partition().highWatermark(), 2, RESPONSE_MAX_BYTES);
        FollowerPartition f3e2 = follower(3, log3, f3.highWatermark(), 2, RESPONSE_MAX_BYTES);

        List<FollowerFetchOutcome> outcomes = new ArrayList<>();
        FetchPartitionRequest request = f1.buildFetchRequest();
        assertEquals(5L, request.fetchOffset());
        assertEquals(1, request.lastFetchedEpoch());
        LeaderFetchHandler.Result diverging = newLeader.handler().handleFetchRequest(request, T0);
        assertEquals(Optional.of(new EpochEndOffset(1, 2L)), diverging.response().divergingEpoch());
        assertTrue(diverging.response().records().isEmpty());
        // No progress is recorded for a follower whose log does not match.
        assertEquals(-1L, newLeader.partition().followerLogEndOffset(1));
        FollowerFetchOutcome truncated = f1.handleFetchResponse(diverging.response());
        assertEquals(new FollowerFetchOutcome(FollowerFetchOutcome.Kind.TRUNCATED, 0, 2L, 0L), truncated);
        assertEquals(2L, log1.endOffset());

        fetch(newLeader, f1, outcomes);
        assertEquals(FollowerFetchOutcome.Kind.APPENDED, outcomes.get(0).kind());
        converge(newLeader, f1, f3e2);
        assertSameLog(log2, log1);
        assertSameLog(log2, log3);
        assertEquals(6L, f1.highWatermark());
        assertEquals(6L, f3e2.highWatermark());
    }

    @Test
    void aFollowerWithAnOldOrNewerLeaderEpochIsTurnedAwayWithoutProgress() {
        MemoryPartitionLog log1 = new MemoryPartitionLog();
        Leader leader = leader(1, log1, 0L, REPLICAS, 5, 1);
        leader.append(5, 2);
        MemoryPartitionLog log2 = new MemoryPartitionLog();
        FollowerPartition stale = follower(2, log2, 0L, 4, RESPONSE_MAX_BYTES);
        FollowerPartition ahead = follower(3, new MemoryPartitionLog(), 0L, 6, RESPONSE_MAX_BYTES);

        LeaderFetchHandler.Result fenced = leader.handler().handleFetchRequest(stale.buildFetchRequest(), T0);
        assertEquals(FetchError.FENCED_LEADER_EPOCH, fenced.response().error());
        assertEquals(FollowerFetchOutcome.Kind.AWAITING_METADATA, stale.handleFetchResponse(fenced.response()).kind());
        assertEquals(0L, log2.endOffset());
        assertEquals(-1L, leader.partition().followerLogEndOffset(2));

        LeaderFetchHandler.Result unknown = leader.handler().handleFetchRequest(ahead.buildFetchRequest(), T0);
        assertEquals(FetchError.UNKNOWN_LEADER_EPOCH, unknown.response().error());
        assertEquals(FollowerFetchOutcome.Kind.AWAITING_METADATA, ahead.handleFetchResponse(unknown.response()).kind());
        assertEquals(-1L, leader.partition().followerLogEndOffset(3));

        FetchPartitionRequest stranger = new FetchPartitionRequest(TOPIC, 0, 9, 1L, 5, 0L,
                FetchPartitionRequest.NO_LAST_FETCHED_EPOCH, 100);
        assertEquals(FetchError.NOT_LEADER_OR_FOLLOWER,
                leader.handler().handleFetchRequest(stranger, T0).response().error());
    }

    @Test
    void fetchOffsetsOutsideTheLeadersLogAreOutOfRange() {
        MemoryPartitionLog log1 = new MemoryPartitionLog();
        // The leader alone is the ISR, so the HW follows its LEO and the log start may pass offset 2.
        Leader leader = leader(1, log1, 0L, List.of(1), 1, 1);
        leader.append(1, 2);
        leader.append(1, 2);
        leader.append(1, 2);
        assertEquals(6L, leader.partition().highWatermark());
        assertTrue(log1.maybeIncrementLogStartOffset(2L));

        // An empty follower asks for offset 0, which the leader no longer holds.
        FollowerPartition empty = follower(2, new MemoryPartitionLog(), 0L, 1, RESPONSE_MAX_BYTES);
        LeaderFetchHandler.Result below = leader.handler().handleFetchRequest(empty.buildFetchRequest(), T0);
        assertEquals(FetchError.OFFSET_OUT_OF_RANGE, below.response().error());
        assertEquals(FollowerFetchOutcome.Kind.OFFSET_OUT_OF_RANGE, empty.handleFetchResponse(below.response()).kind());

        FetchPartitionRequest beyond = new FetchPartitionRequest(TOPIC, 0, 3, 103L, 1, 7L,
                FetchPartitionRequest.NO_LAST_FETCHED_EPOCH, 100);
        assertEquals(FetchError.OFFSET_OUT_OF_RANGE, leader.handler().handleFetchRequest(beyond, T0).response().error());
        assertEquals(-1L, leader.partition().followerLogEndOffset(3));

        // Both ends of [log start, LEO] are in range.
        for (long offset : new long[] {2L, 6L}) {
            FetchPartitionRequest edge = new FetchPartitionRequest(TOPIC, 0, 3, 103L, 1, offset, 1, 100);
            assertEquals(FetchError.NONE, leader.handler().handleFetchRequest(edge, T0).response().error(), "" + offset);
        }
        // Past the LEO with the leader's own epoch, the follower holds a tail this leader lacks: divergence.
        FetchPartitionRequest tail = new FetchPartitionRequest(TOPIC, 0, 3, 103L, 1, 7L, 1, 100);
        assertEquals(Optional.of(new EpochEndOffset(1, 6L)),
                leader.handler().handleFetchRequest(tail, T0).response().divergingEpoch());
    }

    @Test
    void aCleanFollowerRefusesToTruncateBelowItsHighWatermark() {
        MemoryPartitionLog log2 = new MemoryPartitionLog();
        log2.appendAsLeader(1, List.of(new byte[] {1}, new byte[] {2}), T0);
        log2.appendAsLeader(1, List.of(new byte[] {3}, new byte[] {4}), T0);
        FollowerPartition f2 = follower(2, log2, 4L, 2, RESPONSE_MAX_BYTES);
        f2.buildFetchRequest();
        FetchPartitionResponse cut = FetchPartitionResponse.ofDivergingEpoch(0L, 0L, new EpochEndOffset(1, 2L));

        assertThrows(IllegalStateException.class, () -> f2.handleFetchResponse(cut));
        assertEquals(4L, log2.endOffset());
        assertEquals(4L, f2.highWatermark());
    }

    @Test
    void aFollowerOfAnUncleanLeaderTruncatesBelowItsHighWatermarkAndReportsTheLoss() {
        MemoryPartitionLog log2 = new MemoryPartitionLog();
        log2.appendAsLeader(1, List.of(new byte[] {1}, new byte[] {2}), T0);
        log2.appendAsLeader(1, List.of(new byte[] {3}, new byte[] {4}), T0);
        log2.appendAsLeader(1, List.of(new byte[] {5}), T0);
        FollowerPartition f2 = new FollowerPartition(TOPIC, 0, 2, 102L, 2, LeaderRecoveryState.RECOVERING, log2, 4L,
                RESPONSE_MAX_BYTES);
        f2.buildFetchRequest();

        FollowerFetchOutcome outcome = f2.handleFetchResponse(
                FetchPartitionResponse.ofDivergingEpoch(0L, 0L, new EpochEndOffset(1, 2L)));
        // Offsets 2 and 3 were below the HW (committed, perhaps acknowledged); offset 4 was not.
        assertEquals(new FollowerFetchOutcome(FollowerFetchOutcome.Kind.TRUNCATED, 0, 2L, 2L), outcome);
        assertEquals(2L, log2.endOffset());
        assertEquals(2L, f2.highWatermark());
    }

    @Test
    void aFollowerWhoseLastEpochTheLeaderNeverHadDivergesEvenBelowTheLeadersEpochEnd() {
        // Leader (epoch 3): epoch 1 at [0, 4) in three batches, epoch 3 at [4, 6).
        MemoryPartitionLog log1 = new MemoryPartitionLog();
        log1.appendAsLeader(1, List.of(new byte[] {0}, new byte[] {1}), T0);
        log1.appendAsLeader(1, List.of(new byte[] {2}), T0);
        log1.appendAsLeader(1, List.of(new byte[] {3}), T0);
        Leader leader = leader(1, log1, 2L, REPLICAS, 3, 1);
        leader.append(3, 2);
        // Follower 2 led epoch 2 briefly: epoch 1 at [0, 2), then its own uncommitted epoch-2 record at 2.
        MemoryPartitionLog log2 = new MemoryPartitionLog();
        log2.appendAsLeader(1, List.of(new byte[] {0}, new byte[] {1}), T0);
        log2.appendAsLeader(2, List.of(new byte[] {9}), T0);
        FollowerPartition f2 = follower(2, log2, 2L, 3, RESPONSE_MAX_BYTES);

        FetchPartitionRequest request = f2.buildFetchRequest();
        assertEquals(2, request.lastFetchedEpoch());
        LeaderFetchHandler.Result result = leader.handler().handleFetchRequest(request, T0);
        // The leader's epoch 1 ends at 4 > 3, yet epoch 2 is not in its log: the follower's offset 2 differs.
        assertEquals(Optional.of(new EpochEndOffset(1, 4L)), result.response().divergingEpoch());
        assertEquals(2L, f2.handleFetchResponse(result.response()).truncatedTo());

        FollowerPartition f3 = follower(3, new MemoryPartitionLog(), 0L, 3, RESPONSE_MAX_BYTES);
        converge(leader, f2, f3);
        assertSameLog(log1, log2);
    }
}
