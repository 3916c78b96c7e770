package io.kraftlet.raft;

import static io.kraftlet.raft.ScenarioCluster.CLUSTER_ID;
import static io.kraftlet.raft.ScenarioCluster.CONFIG;
import static io.kraftlet.raft.ScenarioCluster.bytes;
import static io.kraftlet.raft.ScenarioCluster.describeBatches;
import static io.kraftlet.raft.ScenarioCluster.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.raft.ScenarioCluster.Envelope;
import io.kraftlet.raft.ScenarioCluster.Peer;
import io.kraftlet.raft.message.BeginQuorumEpochRequest;
import io.kraftlet.raft.message.BeginQuorumEpochResponse;
import io.kraftlet.raft.message.EndQuorumEpochRequest;
import io.kraftlet.raft.message.Errors;
import io.kraftlet.raft.message.FetchRequest;
import io.kraftlet.raft.message.FetchResponse;
import io.kraftlet.raft.message.FetchSnapshotRequest;
import io.kraftlet.raft.message.FetchSnapshotResponse;
import io.kraftlet.raft.message.RaftMessage;
import io.kraftlet.raft.message.VoteRequest;
import io.kraftlet.raft.message.VoteResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Scenario tests of the paper-level rules, driving {@link RaftNode} step by step through
 * {@link ScenarioCluster}: every message, flush and tick happens because the test says so.
 * Timings come from {@link ScenarioCluster#CONFIG} unless a test needs other limits.
 */
class RaftNodeTest {

    // ---------------------------------------------------------------- single voter

    @Test
    void singleVoterElectsItselfWritesLeaderChangeAndCommitsOnlyAfterFlush() {
        ScenarioCluster cluster = ScenarioCluster.started(CONFIG, 1);
        Peer peer = cluster.peer(1);
        peer.autoFlush = false;

        // The election deadline is T + rand(T), so it has not passed before T.
        cluster.advanceTo(CONFIG.electionTimeoutMs() - 1);
        cluster.tick(1);
        assertInstanceOf(UnattachedState.class, cluster.node(1).state());

        cluster.advanceTo(peer.wakeupAtMs);
        RaftEffects election = cluster.tick(1);
        assertInstanceOf(LeaderState.class, cluster.node(1).state());
        assertEquals(1, cluster.node(1).epoch());
        assertEquals(Optional.of(ElectionState.withLeader(1, 1, OptionalInt.of(1))), election.electionState());

        // The epoch opens with a leader-change control record at the epoch start offset.
        assertEquals(1, peer.log.batches().size());
        Batch leaderChange = peer.log.batches().get(0);
        assertTrue(leaderChange.control());
        assertEquals(0, leaderChange.baseOffset());
        assertEquals(1, leaderChange.epoch());
        assertEquals(new ControlRecords.LeaderChange(1, List.of(1)),
                ControlRecords.parseLeaderChange(leaderChange.records().get(0)));
        assertEquals(0, ((LeaderState) cluster.node(1).state()).epochStartOffset());

        // Written is not durable: nothing commits until the flush is reported.
        assertTrue(election.flush());
        assertEquals(0, cluster.node(1).highWatermark());
        assertFalse(hasLeaderChangeFor(peer, 1), "told it leads before its epoch committed");

        int eventsBefore = peer.listenerEvents.size();
        cluster.completeFlush(1);
        assertEquals(1, cluster.node(1).highWatermark());
        List<ListenerEvent> afterFlush = peer.listenerEvents.subList(eventsBefore, peer.listenerEvents.size());
        assertEquals(List.of(new ListenerEvent.Commit(0, leaderChange),
                new ListenerEvent.LeaderChange(0, LeaderAndEpoch.of(1, 1))), afterFlush);

        // An append lingers, is written as one batch, and commits only after its flush.
        cluster.append(1, 7, "a", "b");
        assertTrue(peer.appendResults.isEmpty());
        cluster.advanceBy(CONFIG.appendLingerMs());
        RaftEffects write = cluster.tick(1);
        assertTrue(write.flush());
        assertEquals(3, peer.log.endOffset());
        assertEquals(1, cluster.node(1).highWatermark(), "the high watermark moved before the flush");
        assertTrue(peer.appendResults.isEmpty());

        eventsBefore = peer.listenerEvents.size();
        cluster.completeFlush(1);
        assertEquals(3, cluster.node(1).highWatermark());
        assertEquals(List.of(new AppendResult(7, AppendResult.Status.COMMITTED, 2, LeaderAndEpoch.of(1, 1))),
                peer.appendResults);
        List<ListenerEvent> commits = peer.listenerEvents.subList(eventsBefore, peer.listenerEvents.size());
        assertEquals(1, commits.size());
        Batch committed = ((ListenerEvent.Commit) commits.get(0)).batch();
        assertEquals(1, committed.baseOffset());
        assertFalse(committed.control());
        assertEquals(List.of("a", "b"), committed.records().stream().map(ScenarioCluster::text).toList());
    }

    @Test
    void newLeaderTellsItsListenerOnlyOnceTheListenerCaughtUp() {
        RaftConfig onePerStep = new RaftConfig(100, 200, 100, 10, 5, 100, 50, 1 << 20, 1024, 4096, 1 << 20, 10, 1);
        ScenarioCluster cluster = new ScenarioCluster(onePerStep, 1);
        Peer peer = cluster.peer(1);
        // A restarted voter of epoch 1 with three batches nobody knows to be committed.
        for (int offset = 0; offset < 3; offset++) {
            peer.log.append(new Batch(offset, 1, 0, false, List.of(bytes("old-" + offset))));
        }
        peer.persisted = ElectionState.withUnknownLeader(1);
        cluster.start();

        cluster.advanceTo(peer.wakeupAtMs);
        cluster.tick(1);
        assertInstanceOf(LeaderState.class, cluster.node(1).state());
        assertEquals(3, ((LeaderState) cluster.node(1).state()).epochStartOffset());
        assertEquals(4, cluster.node(1).highWatermark());

        // One batch per step: the listener needs four steps to reach the high watermark, and
        // hears that it leads only after the last of them.
        int extraSteps = 0;
        while (!hasLeaderChangeFor(peer, 1) && extraSteps < 10) {
            assertEquals(cluster.now(), peer.wakeupAtMs, "a listener backlog asks for an immediate wake-up");
            cluster.tick(1);
            extraSteps++;
        }
        assertEquals(3, extraSteps, "the leader was told before its listener applied the backlog");
        List<ListenerEvent> events = peer.listenerEvents;
        int leaderChangeAt = indexOf(events, e -> e instanceof ListenerEvent.LeaderChange change
                && change.leader().isLeader(1));
        assertTrue(leaderChangeAt > 0, "the leader was never told: " + events);
        List<Long> commitEnds = new ArrayList<>();
        for (ListenerEvent event : events.subList(0, leaderChangeAt)) {
            if (event instanceof ListenerEvent.Commit commit) {
                commitEnds.add(commit.batch().endOffset());
            }
        }
        assertEquals(List.of(1L, 2L, 3L, 4L), commitEnds);
    }

    // ---------------------------------------------------------------- elections

    @Test
    void threeVotersElectThroughPreVoteThenVoteAndPersistTheVoteWithTheGrant() {
        ScenarioCluster cluster = ScenarioCluster.started(CONFIG, 1, 2, 3);
        cluster.advanceTo(cluster.peer(1).wakeupAtMs);
        RaftEffects timeout = cluster.tick(1);

        // Pre-vote first: no epoch bump, nothing persisted.
        assertInstanceOf(ProspectiveState.class, cluster.node(1).state());
        assertEquals(0, cluster.node(1).epoch());
        assertTrue(timeout.electionState().isEmpty());
        List<VoteRequest> preVotes = messagesOf(timeout, VoteRequest.class);
        assertEquals(2, preVotes.size());
        assertTrue(preVotes.stream().allMatch(v -> v.preVote() && v.candidateEpoch() == 1));

        RaftEffects preVoteAnswer = cluster.deliver(1, 2, VoteRequest.class);
        assertTrue(preVoteAnswer.electionState().isEmpty(), "a pre-vote must change nothing durable");
        assertEquals(0, cluster.node(2).epoch());
        VoteResponse preVoteGrant = single(messagesOf(preVoteAnswer, VoteResponse.class));
        assertTrue(preVoteGrant.voteGranted() && preVoteGrant.preVote());

        RaftEffects standing = cluster.deliver(2, 1, VoteResponse.class);
        assertInstanceOf(CandidateState.class, cluster.node(1).state());
        assertEquals(1, cluster.node(1).epoch());
        assertEquals(Optional.of(ElectionState.withVote(1, 1)), standing.electionState());
        assertTrue(messagesOf(standing, VoteRequest.class).stream().noneMatch(VoteRequest::preVote));

        // The vote is persisted in the very step whose effects carry the granting response, so
        // a driver that persists before sending can never grant a vote it forgets on restart.
        cluster.drop(e -> e.to() == 3 && e.message() instanceof VoteRequest v && v.preVote());
        RaftEffects vote = cluster.deliver(e -> e.from() == 1 && e.to() == 2
                && e.message() instanceof VoteRequest v && !v.preVote());
        assertEquals(Optional.of(ElectionState.withVote(1, 1)), vote.electionState());
        VoteResponse grant = single(messagesOf(vote, VoteResponse.class));
        assertTrue(grant.voteGranted());
        assertFalse(grant.preVote());
        assertEquals(1, grant.leaderEpoch());

        cluster.deliverAll();
        assertInstanceOf(LeaderState.class, cluster.node(1).state());
        assertEquals(1, cluster.node(1).epoch());
        for (int follower : new int[] {2, 3}) {
            FollowerState state = assertInstanceOf(FollowerState.class, cluster.node(follower).state());
            assertEquals(1, state.leaderId());
            assertEquals(1, state.epoch());
            assertEquals(OptionalInt.of(1), cluster.peer(follower).persisted.votedId());
        }
    }

    @Test
    void voterWithStaleLogIsRefused() {
        ScenarioCluster cluster = voterWithLogInEpochTwo();
        // Node 2's log: epoch 1 up to offset 1, epoch 2 up to offset 3.
        RaftEffects olderEpochLongerLog = cluster.handle(3, 2, voteRequest(3, 3, 1, 5, false));
        assertFalse(single(messagesOf(olderEpochLongerLog, VoteResponse.class)).voteGranted(),
                "the last epoch decides before the length");
        assertEquals(3, cluster.node(2).epoch(), "a real vote request still moves the voter to its epoch");
        assertEquals(OptionalInt.empty(), cluster.peer(2).persisted.votedId());

        RaftEffects sameEpochShorterLog = cluster.handle(3, 2, voteRequest(3, 3, 2, 2, false));
        assertFalse(single(messagesOf(sameEpochShorterLog, VoteResponse.class)).voteGranted());

        RaftEffects stalePreVote = cluster.handle(3, 2, voteRequest(3, 4, 1, 9, true));
        assertFalse(single(messagesOf(stalePreVote, VoteResponse.class)).voteGranted());
        assertEquals(3, cluster.node(2).epoch(), "a pre-vote must not move the epoch");

        assertEquals(OptionalInt.empty(), cluster.peer(2).persisted.votedId(), "refused votes are not recorded");
        RaftEffects upToDate = cluster.handle(1, 2, voteRequest(1, 3, 2, 3, false));
        assertTrue(single(messagesOf(upToDate, VoteResponse.class)).voteGranted(), "an equal log is up to date");
    }

    @Test
    void voterVotesAtMostOncePerEpochEvenAcrossARestart() {
        ScenarioCluster cluster = voterWithLogInEpochTwo();
        RaftEffects first = cluster.handle(1, 2, voteRequest(1, 3, 2, 3, false));
        assertTrue(single(messagesOf(first, VoteResponse.class)).voteGranted());
        assertEquals(Optional.of(ElectionState.withVote(3, 1)), first.electionState());

        // Node 3 has an even better log, but the vote of epoch 3 is spent.
        RaftEffects second = cluster.handle(3, 2, voteRequest(3, 3, 2, 10, false));
        assertFalse(single(messagesOf(second, VoteResponse.class)).voteGranted());
        assertTrue(second.electionState().isEmpty());

        // A repeated request from the same candidate gets the same answer.
        RaftEffects repeat = cluster.handle(1, 2, voteRequest(1, 3, 2, 3, false));
        assertTrue(single(messagesOf(repeat, VoteResponse.class)).voteGranted());

        cluster.restart(2);
        assertEquals(ElectionState.withVote(3, 1), cluster.peer(2).persisted);
        RaftEffects afterRestart = cluster.handle(3, 2, voteRequest(3, 3, 2, 10, false));
        assertFalse(single(messagesOf(afterRestart, VoteResponse.class)).voteGranted(),
                "the persisted vote must survive a restart");

        // A later epoch brings a fresh vote.
        RaftEffects nextEpoch = cluster.handle(3, 2, voteRequest(3, 4, 2, 10, false));
        assertTrue(single(messagesOf(nextEpoch, VoteResponse.class)).voteGranted());
        assertEquals(ElectionState.withVote(4, 3), cluster.peer(2).persisted);
    }

    @Test
    void preVoteKeepsARejoiningNodeFromDisruptingAHealthyLeader() {
        ScenarioCluster cluster = ScenarioCluster.started(CONFIG, 1, 2, 3);
        cluster.electLeader(1);
        cluster.runFor(100);

        // Node 3 is cut off long enough to time out and retry its pre-vote several times.
        cluster.isolate(3);
        cluster.runFor(1_000);
        assertInstanceOf(ProspectiveState.class, cluster.node(3).state());
        assertEquals(1, cluster.node(3).epoch(), "pre-vote must not bump the epoch");
        assertEquals(1, cluster.peer(3).persisted.epoch());
        List<VoteRequest> attempts = cluster.sent(3, 2, VoteRequest.class);
        assertTrue(attempts.size() >= 2, "node 3 should have retried: " + attempts);
        assertTrue(attempts.stream().allMatch(VoteRequest::preVote));
        // Its log is as good as anyone's, so only the live-leader rule can refuse it.
        assertEquals(cluster.peer(2).log.endOffsetAndEpoch(), cluster.peer(3).log.endOffsetAndEpoch());

        cluster.heal();
        Predicate<Envelope> preVoteTo2 = e -> e.from() == 3 && e.to() == 2
                && e.message() instanceof VoteRequest v && v.preVote();
        cluster.runUntil(() -> cluster.findQueued(preVoteTo2).isPresent(), 1_000);
        RaftEffects answer = cluster.deliver(preVoteTo2);
        VoteResponse refusal = single(messagesOf(answer, VoteResponse.class));
        assertFalse(refusal.voteGranted(), "a follower hearing from a live leader must refuse the pre-vote");
        assertEquals(1, refusal.leaderId());

        cluster.runFor(1_000);
        LeaderState leader = assertInstanceOf(LeaderState.class, cluster.node(1).state());
        assertEquals(1, leader.epoch());
        for (int follower : new int[] {2, 3}) {
            FollowerState state = assertInstanceOf(FollowerState.class, cluster.node(follower).state());
            assertEquals(1, state.leaderId());
        }
        for (int id = 1; id <= 3; id++) {
            assertTrue(cluster.peer(id).persistHistory.stream().allMatch(s -> s.epoch() <= 1),
                    "node " + id + " reached a later epoch: " + cluster.peer(id).persistHistory);
        }
    }

    @Test
    void aPreVoteFromANodeInANewerEpochMovesEvenTheLeaderThere() {
        // Node 3 became a candidate in epoch 2 but its vote requests were lost; it now asks
        // pre-votes for epoch 3. Everybody must move to epoch 2, or node 3 is refused forever.
        ScenarioCluster cluster = ScenarioCluster.started(CONFIG, 1, 2, 3);
        cluster.electLeader(1);
        RaftNode leader = cluster.node(1);
        VoteRequest preVote = new VoteRequest(CLUSTER_ID, 77, 3, 3, leader.epoch(), 0, true);
        RaftEffects effects = cluster.handle(3, 1, preVote);
        assertEquals(2, leader.epoch());
        assertInstanceOf(UnattachedState.class, leader.state());
        assertEquals(2, effects.electionState().orElseThrow().epoch(), "the new epoch is persisted first");
        VoteResponse answer = single(messagesOf(effects, VoteResponse.class));
        assertEquals(2, answer.leaderEpoch());
    }

    @Test
    void aFollowerWithAnUncommittedTailReplacesItByTheLeadersSnapshot() {
        // Node 2 led epoch 1 and kept ten uncommitted records; the quorum moved on and the
        // leader of epoch 2 snapshotted at offset 5. The leader answers node 2's fetch with its
        // snapshot; node 2 must load it although its own log reaches past offset 5, or it would
        // be offered the same snapshot forever.
        io.kraftlet.log.MemoryRaftLog log = new io.kraftlet.log.MemoryRaftLog();
        for (int offset = 0; offset < 10; offset += 2) {
            log.append(new Batch(offset, 1, 0, false, List.of(bytes("old-" + offset), bytes("old-" + (offset + 1)))));
        }
        io.kraftlet.log.MemorySnapshotStore snapshots = new io.kraftlet.log.MemorySnapshotStore();
        RaftNode follower = RaftNode.builder().nodeId(2).clusterId(CLUSTER_ID).config(CONFIG)
                .voters(new VoterSet(List.of(1, 2, 3))).log(log).snapshots(snapshots)
                .electionState(ElectionState.withLeader(2, 1, OptionalInt.empty()))
                .random(new java.util.Random(5)).build();
        follower.tick(0);
        FetchRequest fetch = single(messagesOf(follower.handleFlushed(log.flush(), 0), FetchRequest.class));
        assertEquals(10, fetch.fetchOffset());
        assertEquals(1, fetch.lastFetchedEpoch());

        SnapshotId snapshotId = new SnapshotId(5, 2);
        RaftEffects afterFetch = follower.handleMessage(1, new FetchResponse(fetch.correlationId(), Errors.NONE, 1, 2,
                5, 5, List.of(), Optional.empty(), Optional.of(snapshotId)), 1);
        FetchSnapshotRequest chunkRequest = single(messagesOf(afterFetch, FetchSnapshotRequest.class));
        byte[] data = bytes("state-at-5");
        RaftEffects loaded = follower.handleMessage(1, new FetchSnapshotResponse(chunkRequest.correlationId(),
                Errors.NONE, 1, 2, snapshotId, data.length, 0, data), 2);

        assertEquals(5, log.startOffset());
        assertEquals(5, log.endOffset(), "the uncommitted tail is gone");
        assertEquals(snapshotId, snapshots.latest().orElseThrow().id());
        FetchRequest next = single(messagesOf(loaded, FetchRequest.class));
        assertEquals(5, next.fetchOffset());
        assertEquals(2, next.lastFetchedEpoch());
    }

    @Test
    void aFollowerLackingTheDivergingEpochTruncatesOnItsOwnBatchBoundary() {
        // Node 2 holds epoch 1 in batches [0..3) [3..6) and epoch 3 in [6..8). The leader of
        // epoch 4 holds epoch 1 only in [0..3), then epoch 2 in [3..5): asked about epoch 3 it
        // answers "epoch 2 ends at 5", an offset inside node 2's batch [3..6). Node 2 has no
        // epoch 2, so it must cut where its own older epoch ends (6) and ask again.
        io.kraftlet.log.MemoryRaftLog log = new io.kraftlet.log.MemoryRaftLog();
        log.append(new Batch(0, 1, 0, false, List.of(bytes("a"), bytes("b"), bytes("c"))));
        log.append(new Batch(3, 1, 0, false, List.of(bytes("d"), bytes("e"), bytes("f"))));
        log.append(new Batch(6, 3, 0, false, List.of(bytes("g"), bytes("h"))));
        RaftNode follower = RaftNode.builder().nodeId(2).clusterId(CLUSTER_ID).config(CONFIG)
                .voters(new VoterSet(List.of(1, 2, 3))).log(log).snapshots(new io.kraftlet.log.MemorySnapshotStore())
                .electionState(ElectionState.withLeader(4, 1, OptionalInt.empty()))
                .random(new java.util.Random(5)).build();
        follower.tick(0);
        FetchRequest fetch = single(messagesOf(follower.handleFlushed(log.flush(), 0), FetchRequest.class));
        assertEquals(3, fetch.lastFetchedEpoch());
        RaftEffects effects = follower.handleMessage(1, new FetchResponse(fetch.correlationId(), Errors.NONE, 1, 4, 0, 0,
                List.of(), Optional.of(new OffsetAndEpoch(5, 2)), Optional.empty()), 1);
        assertEquals(6, log.endOffset(), "cut where its own epoch 1 ends, not inside the batch [3..6)");
        FetchRequest next = single(messagesOf(effects, FetchRequest.class));
        assertEquals(6, next.fetchOffset());
        assertEquals(1, next.lastFetchedEpoch());
    }

    // ---------------------------------------------------------------- appends

    @Test
    void appendIsRefusedOnAFollowerWithALeaderHintAndWhenEmptyOrTooLarge() {
        ScenarioCluster cluster = ScenarioCluster.started(CONFIG, 1, 2, 3);
        cluster.electLeader(1);

        RaftEffects onFollower = cluster.append(2, 11, "x");
        assertEquals(List.of(new AppendResult(11, AppendResult.Status.NOT_LEADER, -1, LeaderAndEpoch.of(1, 1))),
                onFollower.appendResults());
        assertEquals(1, cluster.peer(2).log.endOffset(), "a follower must not write an append");

        RaftEffects empty = cluster.append(1, 12, List.of());
        assertEquals(AppendResult.Status.INVALID_RECORDS, single(empty.appendResults()).status());

        byte[] tooLarge = new byte[CONFIG.batchMaxBytes()];
        RaftEffects oversized = cluster.append(1, 13, List.of(tooLarge));
        assertEquals(AppendResult.Status.INVALID_RECORDS, single(oversized.appendResults()).status());

        cluster.runFor(50);
        assertEquals(1, cluster.peer(1).log.endOffset(), "refused appends must leave the log alone");
    }

    @Test
    void appendPastTheAccumulatorBoundIsRefusedWithBackPressure() {
        // Room for one batch of waiting appends: a second large append would pass the bound.
        RaftConfig tight = new RaftConfig(100, 200, 100, 10, 5, 100, 50, 1 << 20, 1024, 1024, 1 << 20, 10, 64);
        ScenarioCluster cluster = ScenarioCluster.started(tight, 1);
        cluster.electLeader(1);

        byte[] large = new byte[600];
        assertTrue(cluster.append(1, 1, List.of(large)).appendResults().isEmpty());
        RaftEffects refused = cluster.append(1, 2, List.of(large));
        assertEquals(List.of(new AppendResult(2, AppendResult.Status.BACK_PRESSURE, -1, LeaderAndEpoch.of(1, 1))),
                refused.appendResults());
        // A small append still fits under the bound.
        assertTrue(cluster.append(1, 3, "small").appendResults().isEmpty());

        cluster.runFor(10);
        List<Long> committed = cluster.peer(1).appendResults.stream()
                .filter(r -> r.status() == AppendResult.Status.COMMITTED).map(AppendResult::requestId).toList();
        assertEquals(List.of(1L, 3L), committed);
        assertEquals(3, cluster.peer(1).log.endOffset());
    }

    @Test
    void appendsWithinTheLingerTimeAreWrittenAsOneBatch() {
        ScenarioCluster cluster = ScenarioCluster.started(CONFIG, 1);
        cluster.electLeader(1);
        Peer peer = cluster.peer(1);
        long start = cluster.now();
        int batchesBefore = peer.log.batches().size();

        cluster.append(1, 1, "a");
        cluster.advanceTo(start + 2);
        cluster.append(1, 2, "b", "c");
        cluster.advanceTo(start + CONFIG.appendLingerMs() - 1);
        cluster.append(1, 3, "d");
        cluster.tick(1);
        assertEquals(batchesBefore, peer.log.batches().size(), "written before the linger time passed");
        assertEquals(start + CONFIG.appendLingerMs(), peer.wakeupAtMs, "the leader must wake when the linger ends");

        cluster.advanceTo(start + CONFIG.appendLingerMs());
        cluster.tick(1);
        assertEquals(batchesBefore + 1, peer.log.batches().size());
        Batch batch = peer.log.batches().get(batchesBefore);
        assertEquals(List.of("a", "b", "c", "d"), batch.records().stream().map(ScenarioCluster::text).toList());
        assertEquals(start, batch.appendTimeMs());
        assertEquals(List.of(
                new AppendResult(1, AppendResult.Status.COMMITTED, 1, LeaderAndEpoch.of(1, 1)),
                new AppendResult(2, AppendResult.Status.COMMITTED, 3, LeaderAndEpoch.of(1, 1)),
                new AppendResult(3, AppendResult.Status.COMMITTED, 4, LeaderAndEpoch.of(1, 1))), peer.appendResults);
    }

    // ---------------------------------------------------------------- leaving office

    @Test
    void leaderWithoutFetchesForCheckQuorumTimeoutResigns() {
        ScenarioCluster cluster = ScenarioCluster.started(CONFIG, 1, 2, 3);
        cluster.electLeader(1);
        cluster.runFor(100);

        cluster.isolate(1);
        LeaderState leader = (LeaderState) cluster.node(1).state();
        long lastFetchMs = Math.max(leader.voterProgress().get(2).lastFetchMs(),
                leader.voterProgress().get(3).lastFetchMs());
        cluster.append(1, 5, "unreplicated");
        cluster.advanceBy(CONFIG.appendLingerMs());
        cluster.tick(1);
        long offset = cluster.peer(1).log.endOffset() - 1;
        assertTrue(cluster.peer(1).appendResults.isEmpty());

        long checkQuorumMs = CONFIG.fetchTimeoutMs() * 3L / 2;
        cluster.advanceTo(lastFetchMs + checkQuorumMs - 1);
        cluster.tick(1);
        assertInstanceOf(LeaderState.class, cluster.node(1).state(), "resigned before 1.5 x fetch timeout");

        cluster.advanceTo(lastFetchMs + checkQuorumMs);
        RaftEffects resignation = cluster.tick(1);
        ResignedState resigned = assertInstanceOf(ResignedState.class, cluster.node(1).state());
        assertEquals(1, resigned.epoch());
        List<Integer> told = resignation.messages().stream()
                .filter(o -> o.message() instanceof EndQuorumEpochRequest).map(Outbound::destination).sorted().toList();
        assertEquals(List.of(2, 3), told);
        assertEquals(List.of(new AppendResult(5, AppendResult.Status.LEADERSHIP_LOST, offset,
                LeaderAndEpoch.of(-1, 1))), resignation.appendResults());

        // Every append is answered exactly once, even when the old leader rejoins and learns a
        // high watermark beyond the offset it had given the append.
        cluster.heal();
        cluster.runUntil(() -> cluster.node(1).state() instanceof FollowerState
                && cluster.node(1).highWatermark() > offset, 2_000);
        assertEquals(1, cluster.peer(1).appendResults.stream().filter(r -> r.requestId() == 5).count(),
                "request 5 was answered more than once: " + cluster.peer(1).appendResults);
    }

    @Test
    void gracefulShutdownNamesMostCaughtUpSuccessorWhoStandsAtOnce() {
        ScenarioCluster cluster = ScenarioCluster.started(CONFIG, 1, 2, 3);
        cluster.electLeader(1);
        cluster.runFor(20);

        // Node 3 misses the latest records, so node 2 is the most caught up.
        cluster.isolate(3);
        cluster.append(1, 1, "only-on-1-and-2");
        cluster.runFor(20);
        assertEquals(cluster.peer(1).log.endOffset(), cluster.node(1).highWatermark());
        cluster.heal();

        RaftEffects shutdown = cluster.shutdown(1);
        assertInstanceOf(ResignedState.class, cluster.node(1).state());
        List<EndQuorumEpochRequest> ends = messagesOf(shutdown, EndQuorumEpochRequest.class);
        assertEquals(2, ends.size());
        for (EndQuorumEpochRequest end : ends) {
            assertEquals(List.of(2, 3), end.preferredSuccessors());
            assertEquals(1, end.leaderEpoch());
        }

        FollowerState follower = (FollowerState) cluster.node(2).state();
        long fetchDeadlineMs = follower.fetchDeadlineMs();
        assertTrue(fetchDeadlineMs > cluster.now());
        RaftEffects told = cluster.deliver(1, 2, EndQuorumEpochRequest.class);
        assertEquals(cluster.now(), told.wakeupAtMs(), "the first successor must ask to be woken now");
        cluster.tick(2);
        assertInstanceOf(ProspectiveState.class, cluster.node(2).state(),
                "the first successor must stand at once, not after its fetch timeout");
        assertTrue(cluster.now() < fetchDeadlineMs);

        cluster.runUntil(() -> cluster.node(2).state() instanceof LeaderState, 1_000);
        assertEquals(2, cluster.node(2).epoch());
    }

    // ---------------------------------------------------------------- replication

    @Test
    void fetchAtLogEndIsHeldUntilDataArrives() {
        ScenarioCluster cluster = ScenarioCluster.started(CONFIG, 1, 2, 3);
        cluster.electLeader(1);
        assertTrue(cluster.queued().isEmpty(), "the followers' fetches at the log end should be held");

        cluster.advanceBy(10);
        cluster.append(1, 1, "wake-up");
        assertTrue(fetchResponsesTo(cluster.queued(), 2).isEmpty(), "answered before the batch was written");

        cluster.advanceBy(CONFIG.appendLingerMs());
        RaftEffects write = cluster.tick(1);
        FetchResponse answer = single(fetchResponsesTo(write, 2));
        assertEquals(Errors.NONE, answer.error());
        assertEquals(1, answer.batches().size());
        assertEquals(List.of("wake-up"), answer.batches().get(0).records().stream().map(ScenarioCluster::text).toList());
    }

    @Test
    void fetchAtLogEndIsAnsweredEmptyAfterTheMaximumWait() {
        ScenarioCluster cluster = ScenarioCluster.started(CONFIG, 1, 2, 3);
        cluster.electLeader(1);
        long heldAtMs = cluster.now();
        assertTrue(cluster.queued().isEmpty());

        cluster.advanceTo(heldAtMs + CONFIG.fetchMaxWaitMs() - 1);
        assertTrue(fetchResponsesTo(cluster.tick(1), 2).isEmpty(), "released before its maximum wait");

        cluster.advanceTo(heldAtMs + CONFIG.fetchMaxWaitMs());
        RaftEffects expiry = cluster.tick(1);
        for (int follower : new int[] {2, 3}) {
            FetchResponse answer = single(fetchResponsesTo(expiry, follower));
            assertEquals(Errors.NONE, answer.error());
            assertTrue(answer.batches().isEmpty());
            assertEquals(cluster.node(1).highWatermark(), answer.highWatermark());
        }
    }

    @Test
    void followerWithDivergingTailTruncatesToTheDivergingEpochThenFetches() {
        ScenarioCluster cluster = ScenarioCluster.started(CONFIG, 1, 2, 3);
        cluster.electLeader(1);
        cluster.runFor(50);

        // The old leader writes a record nobody else sees.
        cluster.isolate(1);
        cluster.append(1, 1, "lost");
        cluster.advanceBy(CONFIG.appendLingerMs());
        cluster.tick(1);
        assertEquals(List.of("0/1 control", "1/1:[lost]"), describeBatches(cluster.peer(1).log.batches()));

        cluster.electLeader(2);
        cluster.append(2, 2, "kept");
        cluster.runFor(20);
        assertEquals(List.of("0/1 control", "1/2 control", "2/2:[kept]"),
                describeBatches(cluster.peer(2).log.batches()));

        cluster.heal();
        Predicate<Envelope> fetchFrom1 = e -> e.from() == 1 && e.to() == 2 && e.message() instanceof FetchRequest;
        cluster.runUntil(() -> cluster.findQueued(fetchFrom1).isPresent(), 1_000);
        RaftEffects answer = cluster.deliver(fetchFrom1);
        FetchResponse diverging = single(fetchResponsesTo(answer, 1));
        assertEquals(Optional.of(new OffsetAndEpoch(1, 1)), diverging.divergingEpoch());
        assertTrue(diverging.batches().isEmpty());

        cluster.deliver(2, 1, FetchResponse.class);
        assertEquals(List.of("0/1 control"), describeBatches(cluster.peer(1).log.batches()));

        cluster.runFor(100);
        assertEquals(describeBatches(cluster.peer(2).log.batches()), describeBatches(cluster.peer(1).log.batches()));
        FollowerState follower = assertInstanceOf(FollowerState.class, cluster.node(1).state());
        assertEquals(2, follower.leaderId());
    }

    @Test
    void highWatermarkCountsVotersOnlyNotObservers() {
        ScenarioCluster cluster = ScenarioCluster.started(CONFIG, 1, 2, 3);
        // The voters answer, but their fetches never reach the leader.
        cluster.dropWhere(e -> e.message() instanceof FetchRequest && (e.from() == 2 || e.from() == 3));
        cluster.electLeader(1);
        cluster.addObserver(4);
        cluster.deliverAll();
        cluster.append(1, 1, "seen-by-observer");
        cluster.runFor(20);

        RaftNode leader = cluster.node(1);
        long leaderEnd = cluster.peer(1).log.endOffset();
        assertEquals(2, leaderEnd);
        assertEquals(leaderEnd, cluster.peer(4).log.endOffset(), "the observer should have replicated everything");
        assertEquals(leaderEnd, ((LeaderState) leader.state()).observerProgress().get(4).endOffset());
        assertEquals(0, leader.highWatermark(), "an observer must not count toward the high watermark");
        assertTrue(cluster.peer(1).appendResults.isEmpty());

        cluster.heal();
        cluster.runFor(100);
        assertEquals(leaderEnd, leader.highWatermark());
        assertEquals(AppendResult.Status.COMMITTED, single(cluster.peer(1).appendResults).status());
        assertInstanceOf(LeaderState.class, leader.state());
    }

    @Test
    void highWatermarkNeverReachesOnlyTheEpochStartOffset() {
        ScenarioCluster cluster = new ScenarioCluster(CONFIG, 1, 2, 3);
        // Every voter holds the same three records of epoch 1, not known to be committed.
        for (int id = 1; id <= 3; id++) {
            Peer peer = cluster.peer(id);
            peer.log.append(new Batch(0, 1, 0, false, List.of(bytes("a"))));
            peer.log.append(new Batch(1, 1, 0, false, List.of(bytes("b"), bytes("c"))));
            peer.persisted = ElectionState.withUnknownLeader(1);
        }
        cluster.start();

        cluster.advanceTo(cluster.peer(1).wakeupAtMs);
        cluster.tick(1);
        cluster.deliverAllMatching(e -> e.message() instanceof VoteRequest || e.message() instanceof VoteResponse);
        LeaderState leader = assertInstanceOf(LeaderState.class, cluster.node(1).state());
        assertEquals(2, leader.epoch());
        assertEquals(3, leader.epochStartOffset());

        // A majority (leader and node 2) now holds everything up to the epoch start offset...
        cluster.deliver(1, 2, BeginQuorumEpochRequest.class);
        cluster.deliver(2, 1, FetchRequest.class);
        assertEquals(3, leader.voterProgress().get(2).endOffset());
        // ...but none of it commits until the leader-change record of epoch 2 does.
        assertEquals(0, cluster.node(1).highWatermark());

        cluster.deliverAll();
        assertEquals(4, cluster.node(1).highWatermark());
        List<Long> history = cluster.peer(1).highWatermarks;
        assertEquals(List.of(0L, 4L), history, "the high watermark stopped at or below the epoch start");
    }

    @Test
    void beginQuorumEpochIsResentUntilAcknowledged() {
        ScenarioCluster cluster = ScenarioCluster.started(CONFIG, 1, 2, 3);
        cluster.advanceTo(cluster.peer(1).wakeupAtMs);
        cluster.tick(1);
        cluster.deliverAllMatching(e -> e.message() instanceof VoteRequest || e.message() instanceof VoteResponse);
        assertInstanceOf(LeaderState.class, cluster.node(1).state());
        long electedAtMs = cluster.now();

        assertEquals(1, cluster.drop(e -> e.to() == 2 && e.message() instanceof BeginQuorumEpochRequest));
        cluster.deliverAll();
        assertInstanceOf(UnattachedState.class, cluster.node(2).state(), "node 2 has not heard of the leader");
        assertInstanceOf(FollowerState.class, cluster.node(3).state());

        // Only the leader's timer runs; node 2 waits for the resend.
        long resendMs = CONFIG.beginQuorumEpochResendMs();
        cluster.advanceTo(electedAtMs + resendMs - 1);
        assertTrue(messagesOf(cluster.tick(1), BeginQuorumEpochRequest.class).isEmpty());

        cluster.advanceTo(electedAtMs + resendMs);
        RaftEffects resend = cluster.tick(1);
        List<Integer> resentTo = resend.messages().stream()
                .filter(o -> o.message() instanceof BeginQuorumEpochRequest).map(Outbound::destination).toList();
        assertEquals(List.of(2), resentTo, "resend to the voter that did not acknowledge, and only to it");

        cluster.deliverAll();
        FollowerState follower = assertInstanceOf(FollowerState.class, cluster.node(2).state());
        assertEquals(1, follower.leaderId());

        cluster.advanceTo(electedAtMs + 2 * resendMs);
        assertTrue(messagesOf(cluster.tick(1), BeginQuorumEpochRequest.class).isEmpty(),
                "acknowledged voters must not be asked again");
    }

    // ---------------------------------------------------------------- snapshots

    @Test
    void replicaBehindTheLogStartLoadsTheSnapshotInChunksThenFetchesTheTail() {
        RaftConfig smallChunks = new RaftConfig(100, 200, 100, 10, 5, 100, 50, 1 << 20, 1024, 4096, 16, 10, 64);
        ScenarioCluster cluster = ScenarioCluster.started(smallChunks, 1, 2, 3);
        cluster.electLeader(1);
        for (int i = 0; i < 3; i++) {
            cluster.append(1, i, "r" + i);
            cluster.runFor(10);
        }
        assertEquals(4, cluster.node(1).highWatermark());

        // The log is kept back to the previous snapshot: a first snapshot deletes nothing, the
        // second deletes the prefix below the first.
        cluster.createSnapshot(1, 2, bytes("state machine image up to offset 2"));
        assertEquals(0, cluster.peer(1).log.startOffset());
        byte[] state = bytes(String.format("%-100s", "state machine image up to offset 3"));
        assertEquals(100, state.length);
        cluster.createSnapshot(1, 3, state);
        SnapshotId snapshotId = new SnapshotId(3, 1);
        assertEquals(2, cluster.peer(1).log.startOffset());
        assertEquals(snapshotId, cluster.peer(1).snapshots.latest().orElseThrow().id());
        cluster.append(1, 10, "tail-1");
        cluster.runFor(10);
        cluster.append(1, 11, "tail-2");
        cluster.runFor(10);

        Peer observer = cluster.addObserver(4);
        cluster.runFor(200);

        assertTrue(cluster.sent(1, 4, FetchResponse.class).stream()
                .anyMatch(r -> r.snapshotId().equals(Optional.of(snapshotId))), "the leader never named its snapshot");
        List<FetchSnapshotResponse> chunks = cluster.sent(1, 4, FetchSnapshotResponse.class);
        assertEquals(7, chunks.size());
        for (int i = 0; i < chunks.size(); i++) {
            assertEquals(16L * i, chunks.get(i).position());
            assertTrue(chunks.get(i).chunk().length <= 16);
        }
        assertTrue(cluster.sent(4, 1, FetchSnapshotRequest.class).stream()
                .allMatch(r -> r.snapshotId().equals(snapshotId)));

        List<ListenerEvent> events = observer.listenerEvents;
        int loadAt = indexOf(events, e -> e instanceof ListenerEvent.LoadSnapshot);
        assertTrue(loadAt >= 0, "the observer's listener never loaded the snapshot: " + events);
        ListenerEvent.LoadSnapshot load = (ListenerEvent.LoadSnapshot) events.get(loadAt);
        assertEquals(snapshotId, load.snapshot().id());
        assertArrayEquals(state, load.snapshot().data());
        List<String> tail = new ArrayList<>();
        for (ListenerEvent event : events.subList(loadAt + 1, events.size())) {
            if (event instanceof ListenerEvent.Commit commit) {
                assertTrue(commit.batch().baseOffset() >= 3);
                commit.batch().records().forEach(r -> tail.add(text(r)));
            }
        }
        assertEquals(List.of("r2", "tail-1", "tail-2"), tail);
        assertTrue(events.subList(0, loadAt).stream().noneMatch(e -> e instanceof ListenerEvent.Commit));

        assertEquals(3, observer.log.startOffset());
        assertEquals(cluster.peer(1).log.endOffset(), observer.log.endOffset());
        assertEquals(describeBatches(cluster.peer(1).log.read(3, Long.MAX_VALUE, Integer.MAX_VALUE)),
                describeBatches(observer.log.batches()), "the observer holds the leader's log from its snapshot on");
        assertEquals(snapshotId, observer.snapshots.latest().orElseThrow().id());
    }

    @Test
    void createSnapshotAboveTheHighWatermarkIsRefused() {
        ScenarioCluster cluster = ScenarioCluster.started(CONFIG, 1);
        cluster.electLeader(1);
        cluster.peer(1).autoFlush = false;
        cluster.append(1, 1, "not-yet-durable");
        cluster.advanceBy(CONFIG.appendLingerMs());
        cluster.tick(1);
        assertEquals(2, cluster.peer(1).log.endOffset());
        assertEquals(1, cluster.node(1).highWatermark());

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> cluster.createSnapshot(1, 2, bytes("image")));
        assertTrue(refused.getMessage().matches(".*\\b2\\b.*") && refused.getMessage().matches(".*\\b1\\b.*"),
                "the message should name both offsets: " + refused.getMessage());
        assertTrue(refused.getMessage().contains("high watermark"), refused.getMessage());
        assertEquals(0, cluster.peer(1).log.startOffset());
        assertTrue(cluster.peer(1).snapshots.latest().isEmpty());
    }

    @Test
    void aLogCutBelowTheNewestSnapshotByACrashIsReplacedByIt() {
        // The log is kept back to the previous snapshot, so a crash that lost the unflushed tail
        // can leave it ending below the newest snapshot: on start the snapshot replaces it, and
        // everything it holds counts as committed.
        io.kraftlet.log.MemoryRaftLog log = new io.kraftlet.log.MemoryRaftLog();
        log.append(new Batch(0, 1, 0, false, List.of(bytes("a"), bytes("b"), bytes("c"))));
        io.kraftlet.log.MemorySnapshotStore snapshots = new io.kraftlet.log.MemorySnapshotStore();
        snapshots.write(new io.kraftlet.log.SnapshotStore.Snapshot(new SnapshotId(5, 1), bytes("state-at-5")));
        RaftNode node = RaftNode.builder().nodeId(1).clusterId(CLUSTER_ID).config(CONFIG)
                .voters(new VoterSet(List.of(1, 2, 3))).log(log).snapshots(snapshots)
                .random(new java.util.Random(5)).build();
        assertEquals(5, log.startOffset());
        assertEquals(5, log.endOffset());
        assertEquals(5, node.highWatermark());
    }

    @Test
    void aSnapshotInsideABatchIsRefusedBeforeAnythingIsWritten() {
        ScenarioCluster cluster = ScenarioCluster.started(CONFIG, 1);
        cluster.electLeader(1);
        cluster.append(1, 1, "a", "b", "c");
        cluster.advanceBy(CONFIG.appendLingerMs());
        cluster.tick(1);
        assertEquals(4, cluster.node(1).highWatermark(), "the leader-change record and one batch [1..4)");
        cluster.createSnapshot(1, 1, bytes("after-leader-change"));
        SnapshotId good = cluster.peer(1).snapshots.latest().orElseThrow().id();

        // Offsets 2 and 3 lie inside the batch [1..4): refused, and the good snapshot stays.
        for (long inside : new long[] {2, 3}) {
            assertThrows(IllegalArgumentException.class, () -> cluster.createSnapshot(1, inside, bytes("bogus")));
        }
        assertEquals(good, cluster.peer(1).snapshots.latest().orElseThrow().id());
        assertEquals(0, cluster.peer(1).log.startOffset(), "a first snapshot deletes no prefix");
    }

    // ---------------------------------------------------------------- identity

    @Test
    void requestFromAnotherClusterIsRejectedAndChangesNothing() {
        ScenarioCluster cluster = ScenarioCluster.started(CONFIG, 1, 2, 3);
        cluster.electLeader(1);
        ElectionState persistedBefore = cluster.peer(2).persisted;

        RaftEffects vote = cluster.handle(3, 2, new VoteRequest("other-cluster", 900, 3, 7, 9, 100, false));
        VoteResponse voteAnswer = single(messagesOf(vote, VoteResponse.class));
        assertEquals(Errors.INCONSISTENT_CLUSTER_ID, voteAnswer.error());
        assertFalse(voteAnswer.voteGranted());
        assertTrue(vote.electionState().isEmpty());

        RaftEffects begin = cluster.handle(3, 2, new BeginQuorumEpochRequest("other-cluster", 901, 3, 7));
        assertEquals(Errors.INCONSISTENT_CLUSTER_ID, single(messagesOf(begin, BeginQuorumEpochResponse.class)).error());

        FollowerState follower = assertInstanceOf(FollowerState.class, cluster.node(2).state());
        assertEquals(1, follower.epoch());
        assertEquals(1, follower.leaderId());
        assertEquals(persistedBefore, cluster.peer(2).persisted);

        long highWatermark = cluster.node(1).highWatermark();
        RaftEffects fetch = cluster.handle(9, 1, new FetchRequest("other-cluster", 902, 9, 1, 0, 0, 0, 1024));
        FetchResponse fetchAnswer = single(fetchResponsesTo(fetch, 9));
        assertEquals(Errors.INCONSISTENT_CLUSTER_ID, fetchAnswer.error());
        assertTrue(fetchAnswer.batches().isEmpty());
        LeaderState leader = assertInstanceOf(LeaderState.class, cluster.node(1).state());
        assertFalse(leader.observerProgress().containsKey(9), "a foreign fetch must not be tracked");
        assertEquals(highWatermark, cluster.node(1).highWatermark());
        assertEquals(1, leader.epoch());
    }

    @Test
    void voteRequestFromANonVoterIsRejected() {
        ScenarioCluster cluster = ScenarioCluster.started(CONFIG, 1, 2, 3);
        cluster.electLeader(1);
        ElectionState persistedBefore = cluster.peer(2).persisted;

        RaftEffects vote = cluster.handle(9, 2, new VoteRequest(CLUSTER_ID, 900, 9, 5, 9, 100, false));
        VoteResponse answer = single(messagesOf(vote, VoteResponse.class));
        assertEquals(Errors.INCONSISTENT_VOTER_SET, answer.error());
        assertFalse(answer.voteGranted());
        assertTrue(vote.electionState().isEmpty());
        assertEquals(1, cluster.node(2).epoch());
        assertEquals(persistedBefore, cluster.peer(2).persisted);

        RaftEffects preVote = cluster.handle(9, 2, new VoteRequest(CLUSTER_ID, 901, 9, 5, 9, 100, true));
        assertEquals(Errors.INCONSISTENT_VOTER_SET, single(messagesOf(preVote, VoteResponse.class)).error());
        assertInstanceOf(FollowerState.class, cluster.node(2).state());
    }

    // ---------------------------------------------------------------- helpers

    /** Voter 2 of {1, 2, 3}, persisted in epoch 2, log: epoch 1 at [0, 1), epoch 2 at [1, 3). */
    private static ScenarioCluster voterWithLogInEpochTwo() {
        ScenarioCluster cluster = new ScenarioCluster(CONFIG, 1, 2, 3);
        Peer peer = cluster.peer(2);
        peer.log.append(new Batch(0, 1, 0, false, List.of(bytes("e1"))));
        peer.log.append(new Batch(1, 2, 0, false, List.of(bytes("e2a"), bytes("e2b"))));
        peer.persisted = ElectionState.withUnknownLeader(2);
        cluster.start();
        assertEquals(new OffsetAndEpoch(3, 2), peer.log.endOffsetAndEpoch());
        return cluster;
    }

    private long nextCorrelationId = 10_000;

    /** A handcrafted vote request, as if {@code candidateId} sent it. */
    private VoteRequest voteRequest(int candidateId, int epoch, int lastOffsetEpoch, long lastOffset,
            boolean preVote) {
        return new VoteRequest(CLUSTER_ID, nextCorrelationId++, candidateId, epoch, lastOffsetEpoch, lastOffset, preVote);
    }

    private static <T extends RaftMessage> List<T> messagesOf(RaftEffects effects, Class<T> type) {
        return effects.messages().stream().map(Outbound::message).filter(type::isInstance).map(type::cast).toList();
    }

    private static List<FetchResponse> fetchResponsesTo(RaftEffects effects, int destination) {
        return effects.messages().stream()
                .filter(o -> o.destination() == destination && o.message() instanceof FetchResponse)
                .map(o -> (FetchResponse) o.message()).toList();
    }

    private static List<FetchResponse> fetchResponsesTo(List<Envelope> envelopes, int destination) {
        return envelopes.stream().filter(e -> e.to() == destination && e.message() instanceof FetchResponse)
                .map(e -> (FetchResponse) e.message()).toList();
    }

    private static boolean hasLeaderChangeFor(Peer peer, int leaderId) {
        return peer.listenerEvents.stream()
                .anyMatch(e -> e instanceof ListenerEvent.LeaderChange change && change.leader().isLeader(leaderId));
    }

    private static <T> int indexOf(List<T> items, Predicate<T> match) {
        for (int i = 0; i < items.size(); i++) {
            if (match.test(items.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private static <T> T single(List<T> items) {
        assertEquals(1, items.size(), "expected exactly one: " + items);
        return items.get(0);
    }
}
