package io.kraftlet.raft;

import io.kraftlet.log.RaftLog;
import io.kraftlet.log.SnapshotStore;
import io.kraftlet.raft.message.BeginQuorumEpochRequest;
import io.kraftlet.raft.message.BeginQuorumEpochResponse;
import io.kraftlet.raft.message.EndQuorumEpochRequest;
import io.kraftlet.raft.message.EndQuorumEpochResponse;
import io.kraftlet.raft.message.Errors;
import io.kraftlet.raft.message.FetchRequest;
import io.kraftlet.raft.message.FetchResponse;
import io.kraftlet.raft.message.FetchSnapshotRequest;
import io.kraftlet.raft.message.FetchSnapshotResponse;
import io.kraftlet.raft.message.RaftMessage;
import io.kraftlet.raft.message.RaftRequest;
import io.kraftlet.raft.message.RaftResponse;
import io.kraftlet.raft.message.VoteRequest;
import io.kraftlet.raft.message.VoteResponse;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;

/**
 * The KRaft-style Raft core of one node: pure, single-threaded and deterministic. Its inputs
 * are messages ({@link #handleMessage}), the passage of time ({@link #tick}), appends
 * ({@link #append}), flush completions ({@link #handleFlushed}) and a few commands; each input
 * returns one {@link RaftEffects} for the driver to carry out. It never reads a clock, starts a
 * thread or touches a socket. It reads and appends the {@link RaftLog} it is given
 * synchronously, but never counts data as durable until the driver reports a flush.
 *
 * <p>Election rules live in {@link ElectionHandler}, replication rules in
 * {@link ReplicationHandler}, deliveries to listeners in {@link ListenerDelivery}; role changes
 * happen only in {@link QuorumState}. This class takes the inputs, routes them, and assembles
 * each step's effects.
 *
 * <p>Threading: not thread-safe; the driver thread makes every call.
 */
public final class RaftNode {
    final int nodeId;
    final String clusterId;
    final RaftConfig config;
    final RaftLog log;
    final SnapshotStore snapshots;
    final Random random;
    final Set<PlantedBug> bugs;
    final QuorumState quorum;
    final ReplicationHandler replication;
    final ListenerDelivery delivery;
    final ElectionHandler election;

    /** Largest offset known committed, exclusive; never decreases while the node runs. */
    long highWatermark;
    /** The log end offset that a completed flush made durable on this node. */
    long flushedEndOffset;
    boolean flushInFlight;
    private long nextCorrelationId;
    private final ArrayDeque<PendingAppend> pendingAppends = new ArrayDeque<>();
    /** Bytes of pendingAppends: bounded by accumulatorMaxBytes. */
    private long uncommittedBytes;

    private final List<Outbound> outbox = new ArrayList<>();
    final List<ListenerEvent> listenerEvents = new ArrayList<>();
    private final List<AppendResult> appendResults = new ArrayList<>();

    private record PendingAppend(long requestId, long lastOffset, int bytes) {
    }

    private RaftNode(Builder builder) {
        this.nodeId = builder.nodeId;
        this.clusterId = Objects.requireNonNull(builder.clusterId, "clusterId");
        this.config = Objects.requireNonNull(builder.config, "config");
        this.log = Objects.requireNonNull(builder.log, "log");
        this.snapshots = Objects.requireNonNull(builder.snapshots, "snapshots");
        this.random = Objects.requireNonNull(builder.random, "random");
        this.bugs = builder.bugs.isEmpty() ? EnumSet.noneOf(PlantedBug.class) : EnumSet.copyOf(builder.bugs);
        this.quorum = new QuorumState(nodeId, Objects.requireNonNull(builder.voters, "voters"), config, random,
                builder.electionState, builder.nowMs);
        // A crash may have cut the log below the newest snapshot (the log is kept back to the
        // previous one, and its tail may not have been flushed): the snapshot then replaces it.
        Optional<SnapshotStore.Snapshot> latest = snapshots.latest();
        if (latest.isPresent() && latest.get().id().endOffset() > log.endOffset()) {
            log.resetTo(latest.get().id());
        }
        // A snapshot holds only committed data, so everything below its end is committed.
        this.highWatermark = Math.max(log.startOffset(), latest.map(snapshot -> snapshot.id().endOffset()).orElse(0L));
        // Correlation ids start at a random point so an answer meant for a previous
        // incarnation of this node cannot match a request of this one.
        this.nextCorrelationId = (random.nextLong() >>> 2) + 1;
        // What the log holds after a restart is not known to be durable until flushed again.
        this.flushedEndOffset = log.startOffset();
        this.replication = new ReplicationHandler(this);
        this.election = new ElectionHandler(this);
        this.delivery = new ListenerDelivery(this);
    }

    public static Builder builder() {
        return new Builder();
    }

    // ---------------------------------------------------------------- inputs

    /** Handles one message from node {@code from}. */
    public RaftEffects handleMessage(int from, RaftMessage message, long nowMs) {
        if (message instanceof RaftRequest request) {
            handleRequest(from, request, nowMs);
        } else {
            handleResponse(from, (RaftResponse) message, nowMs);
        }
        return finishStep(nowMs);
    }

    /** Lets time pass: fires every timer due at {@code nowMs}. */
    public RaftEffects tick(long nowMs) {
        EpochState state = quorum.current();
        if (state instanceof UnattachedState unattached) {
            if (quorum.isVoter() && nowMs >= unattached.electionDeadlineMs()) {
                election.becomeProspective(nowMs);
            }
        } else if (state instanceof ProspectiveState prospective) {
            if (prospective.backingOff() ? nowMs >= prospective.backoffUntilMs()
                    : nowMs >= prospective.electionDeadlineMs()) {
                if (prospective.backingOff()) {
                    election.becomeProspective(nowMs);
                } else {
                    prospective.startBackoff(nowMs + quorum.backoffMs(prospective.retries()));
                }
            }
        } else if (state instanceof CandidateState candidate) {
            if (candidate.backingOff() && nowMs >= candidate.backoffUntilMs()) {
                election.becomeProspective(nowMs);
            } else if (!candidate.backingOff() && nowMs >= candidate.electionDeadlineMs()) {
                candidate.startBackoff(nowMs + quorum.backoffMs(candidate.retries()));
            }
        } else if (state instanceof LeaderState leader) {
            election.tickLeader(leader, nowMs);
        } else if (state instanceof FollowerState follower) {
            if (nowMs >= follower.fetchDeadlineMs()) {
                if (quorum.isVoter()) {
                    election.becomeProspective(nowMs);
                } else {
                    quorum.transitionToUnattached(follower.epoch(), OptionalInt.empty(), nowMs);
                }
            }
        } else if (state instanceof ResignedState resigned) {
            if (nowMs >= resigned.electionDeadlineMs()) {
                election.becomeProspective(nowMs);
            } else if (nowMs >= resigned.resendAtMs) {
                election.sendEndQuorumEpoch(resigned, nowMs);
            }
        }
        return finishStep(nowMs);
    }

    /**
     * Appends records on the leader. The answer comes as an {@link AppendResult} with this
     * {@code requestId}: at once when refused, else once the records commit or leadership is
     * lost.
     */
    public RaftEffects append(long requestId, List<byte[]> records, long nowMs) {
        if (!(quorum.current() instanceof LeaderState leader)) {
            appendResults.add(new AppendResult(requestId, AppendResult.Status.NOT_LEADER, -1, quorum.leaderAndEpoch()));
            return finishStep(nowMs);
        }
        int size = BatchAccumulator.sizeOf(records);
        BatchAccumulator accumulator = leader.accumulator();
        if (records.isEmpty() || !accumulator.fitsInOneBatch(size)) {
            appendResults.add(new AppendResult(requestId, AppendResult.Status.INVALID_RECORDS, -1, quorum.leaderAndEpoch()));
        } else if (uncommittedBytes + size > config.accumulatorMaxBytes()) {
            // Bounded: a leader that cannot commit (no majority fetching) stops taking data.
            appendResults.add(new AppendResult(requestId, AppendResult.Status.BACK_PRESSURE, -1, quorum.leaderAndEpoch()));
        } else {
            long lastOffset = accumulator.append(records, size, nowMs).lastOffset();
            pendingAppends.add(new PendingAppend(requestId, lastOffset, size));
            uncommittedBytes += size;
        }
        return finishStep(nowMs);
    }

    /** The flush the core asked for completed; {@code durableEndOffset} is now durable. */
    public RaftEffects handleFlushed(long durableEndOffset, long nowMs) {
        flushInFlight = false;
        flushedEndOffset = Math.max(flushedEndOffset, Math.min(durableEndOffset, log.endOffset()));
        return finishStep(nowMs);
    }

    /** Registers a listener; it starts at the latest snapshot or offset 0. */
    public RaftEffects registerListener(int listenerId, long nowMs) {
        delivery.register(listenerId);
        return finishStep(nowMs);
    }

    /**
     * Stores the state machine's snapshot of everything below {@code endOffset} and deletes the
     * log below the previous snapshot. {@code endOffset} must be committed, on a batch boundary,
     * and beyond the current log start.
     */
    public RaftEffects createSnapshot(long endOffset, byte[] data, long nowMs) {
        if (endOffset > highWatermark) {
            throw new IllegalArgumentException("snapshot end offset " + endOffset
                    + " is above the high watermark " + highWatermark + ": only committed data may be snapshotted");
        }
        if (endOffset <= log.startOffset()) {
            throw new IllegalArgumentException("snapshot end offset " + endOffset
                    + " is not beyond the log start offset " + log.startOffset());
        }
        if (endOffset > log.endOffset()) {
            throw new IllegalArgumentException("snapshot end offset " + endOffset + " is beyond the log end "
                    + log.endOffset());
        }
        if (endOffset < log.endOffset()) {
            // Validates the batch boundary before anything is written: a snapshot inside a batch
            // must not replace a good one in the store.
            log.read(endOffset, endOffset, 1);
        }
        SnapshotId id = new SnapshotId(endOffset, log.epochOf(endOffset - 1));
        Optional<SnapshotStore.Snapshot> previous = snapshots.latest();
        snapshots.write(new SnapshotStore.Snapshot(id, data.clone()));
        // The log is kept back to the previous snapshot, so a member up to one snapshot
        // interval behind fetches the batches it misses instead of loading a whole snapshot.
        previous.map(SnapshotStore.Snapshot::id)
                .filter(previousId -> previousId.endOffset() > log.startOffset() && previousId.endOffset() < endOffset)
                .ifPresent(log::deletePrefixTo);
        return finishStep(nowMs);
    }

    /**
     * Graceful shutdown: a leader resigns and tells the voters who should follow it (so the
     * next election starts at once instead of after a timeout). Other roles have nothing to do.
     */
    public RaftEffects shutdown(long nowMs) {
        if (quorum.current() instanceof LeaderState) {
            election.resign(nowMs);
        }
        return finishStep(nowMs);
    }

    // ---------------------------------------------------------------- queries

    public int nodeId() {
        return nodeId;
    }

    public EpochState state() {
        return quorum.current();
    }

    public int epoch() {
        return quorum.epoch();
    }

    public LeaderAndEpoch leaderAndEpoch() {
        return quorum.leaderAndEpoch();
    }

    public long highWatermark() {
        return highWatermark;
    }

    public long flushedEndOffset() {
        return flushedEndOffset;
    }

    public VoterSet voters() {
        return quorum.voters();
    }

    public String clusterId() {
        return clusterId;
    }

    public RaftConfig config() {
        return config;
    }

    /**
     * Whether a node that was asked to shut down may stop now: true unless it resigned
     * leadership and some voter has not yet acknowledged the EndQuorumEpoch.
     */
    public boolean readyToStop() {
        return !(quorum.current() instanceof ResignedState resigned) || resigned.unacknowledged().isEmpty();
    }

    /** Records this node appended as a follower or observer: what the fetch rate meter counts. */
    public long fetchedRecords() {
        return replication.fetchedRecords();
    }

    /** The quorum as this node sees it; replica progress only on the leader. */
    public QuorumDescription describe() {
        LeaderAndEpoch leader = quorum.leaderAndEpoch();
        List<QuorumDescription.ReplicaDescription> voters = new ArrayList<>();
        List<QuorumDescription.ReplicaDescription> observers = new ArrayList<>();
        if (quorum.current() instanceof LeaderState leaderState) {
            leaderState.voterProgress().forEach((id, progress) -> voters.add(describe(id, progress)));
            leaderState.observerProgress().forEach((id, progress) -> observers.add(describe(id, progress)));
        }
        return new QuorumDescription(leader.leaderIdOrNil(), leader.epoch(), highWatermark, voters, observers);
    }

    private static QuorumDescription.ReplicaDescription describe(int id, ReplicaProgress progress) {
        return new QuorumDescription.ReplicaDescription(id, progress.endOffset(), progress.lastFetchMs(),
                progress.lastCaughtUpMs());
    }

    // ---------------------------------------------------------------- requests

    private void handleRequest(int from, RaftRequest request, long nowMs) {
        if (!clusterId.equals(request.clusterId())) {
            send(from, errorResponse(request, Errors.INCONSISTENT_CLUSTER_ID));
            return;
        }
        if (request instanceof VoteRequest vote) {
            election.handleVoteRequest(from, vote, nowMs);
        } else if (request instanceof BeginQuorumEpochRequest begin) {
            election.handleBeginQuorumEpochRequest(from, begin, nowMs);
        } else if (request instanceof EndQuorumEpochRequest end) {
            election.handleEndQuorumEpochRequest(from, end, nowMs);
        } else if (request instanceof FetchRequest fetch) {
            replication.handleFetchRequest(from, fetch, nowMs);
        } else if (request instanceof FetchSnapshotRequest fetchSnapshot) {
            replication.handleFetchSnapshotRequest(from, fetchSnapshot, nowMs);
        }
    }

    /** The answer a request gets when it is refused before being looked at. */
    RaftResponse errorResponse(RaftRequest request, Errors error) {
        LeaderAndEpoch leader = quorum.leaderAndEpoch();
        int leaderId = leader.leaderIdOrNil();
        int epoch = leader.epoch();
        long correlationId = request.correlationId();
        if (request instanceof VoteRequest vote) {
            return new VoteResponse(correlationId, error, leaderId, epoch, false, vote.preVote());
        } else if (request instanceof BeginQuorumEpochRequest) {
            return new BeginQuorumEpochResponse(correlationId, error, leaderId, epoch);
        } else if (request instanceof EndQuorumEpochRequest) {
            return new EndQuorumEpochResponse(correlationId, error, leaderId, epoch);
        } else if (request instanceof FetchRequest) {
            return FetchResponse.error(correlationId, error, leaderId, epoch);
        } else {
            return FetchSnapshotResponse.error(correlationId, error, leaderId, epoch,
                    ((FetchSnapshotRequest) request).snapshotId());
        }
    }

    // ---------------------------------------------------------------- responses

    private void handleResponse(int from, RaftResponse response, long nowMs) {
        if (response.error() == Errors.INCONSISTENT_CLUSTER_ID || response.error() == Errors.INCONSISTENT_VOTER_SET) {
            return; // the peer refused us; nothing it says about epochs can be trusted
        }
        if (election.maybeLearnLeader(from, response, nowMs)) {
            return;
        }
        if (response instanceof VoteResponse vote) {
            election.handleVoteResponse(from, vote, nowMs);
        } else if (response instanceof BeginQuorumEpochResponse begin) {
            if (quorum.current() instanceof LeaderState leader && begin.leaderEpoch() == leader.epoch()
                    && begin.error() == Errors.NONE) {
                leader.acknowledgeBeginQuorum(from);
            }
        } else if (response instanceof EndQuorumEpochResponse end) {
            if (quorum.current() instanceof ResignedState resigned && end.leaderEpoch() == resigned.epoch()) {
                resigned.unacknowledged().remove(from);
            }
        } else if (response instanceof FetchResponse fetch) {
            replication.handleFetchResponse(from, fetch, nowMs);
        } else if (response instanceof FetchSnapshotResponse fetchSnapshot) {
            replication.handleFetchSnapshotResponse(from, fetchSnapshot, nowMs);
        }
    }

    // ---------------------------------------------------------------- role changes

    /** Follows {@code leaderId} in {@code epoch} unless this node already does. */
    void maybeFollow(int epoch, int leaderId, long nowMs) {
        EpochState state = quorum.current();
        if (epoch == state.epoch() && (state instanceof FollowerState || state instanceof LeaderState
                || state instanceof ResignedState)) {
            return; // the leader of this epoch is already known; at most one exists
        }
        becomeFollower(epoch, leaderId, nowMs);
    }

    void becomeFollower(int epoch, int leaderId, long nowMs) {
        abandonLeadership();
        quorum.transitionToFollower(epoch, leaderId, nowMs);
    }

    void becomeUnattached(int epoch, OptionalInt votedId, long nowMs) {
        abandonLeadership();
        quorum.transitionToUnattached(epoch, votedId, nowMs);
    }

    /**
     * Leaving the leader role: appends not yet committed get LEADERSHIP_LOST (they may still
     * commit under the next leader), and held fetches are answered so followers look elsewhere.
     */
    void abandonLeadership() {
        if (!(quorum.current() instanceof LeaderState leader)) {
            return;
        }
        for (PendingAppend pending : pendingAppends) {
            appendResults.add(new AppendResult(pending.requestId(), AppendResult.Status.LEADERSHIP_LOST,
                    pending.lastOffset(), LeaderAndEpoch.of(-1, leader.epoch())));
        }
        pendingAppends.clear();
        uncommittedBytes = 0;
        replication.answerParkedFetchesWithError(leader, Errors.NOT_LEADER);
    }

    // ---------------------------------------------------------------- step plumbing

    long newCorrelationId() {
        return nextCorrelationId++;
    }

    /** The id the next request will get: answers to requests sent from now on carry at least this. */
    long upcomingCorrelationId() {
        return nextCorrelationId;
    }

    void send(int destination, RaftMessage message) {
        outbox.add(new Outbound(destination, message));
    }

    void maybeAdvanceHighWatermark(long nowMs) {
        if (!(quorum.current() instanceof LeaderState leader)) {
            return;
        }
        long ownEnd = bugs.contains(PlantedBug.HW_COUNTS_UNFLUSHED_LEADER) ? log.endOffset() : flushedEndOffset;
        leader.updateOwnEndOffset(ownEnd, nowMs);
        leader.computeHighWatermark(highWatermark, bugs).ifPresent(hw -> {
            highWatermark = hw;
            replication.completeParkedFetches(leader, nowMs);
        });
    }

    private RaftEffects finishStep(long nowMs) {
        if (quorum.current() instanceof LeaderState leader) {
            List<Batch> ready = leader.accumulator().drain(nowMs);
            for (Batch batch : ready) {
                log.append(batch);
            }
            maybeAdvanceHighWatermark(nowMs);
            if (!ready.isEmpty()) {
                replication.completeParkedFetches(leader, nowMs);
            }
        }
        replication.maybeSendFetch(nowMs);
        boolean flush = !flushInFlight && log.endOffset() > flushedEndOffset;
        if (flush) {
            flushInFlight = true;
        }
        while (!pendingAppends.isEmpty() && pendingAppends.peek().lastOffset() < highWatermark) {
            PendingAppend committed = pendingAppends.poll();
            uncommittedBytes -= committed.bytes();
            appendResults.add(new AppendResult(committed.requestId(), AppendResult.Status.COMMITTED,
                    committed.lastOffset(), quorum.leaderAndEpoch()));
        }
        boolean backlog = delivery.deliver();
        long wakeupAtMs = backlog ? nowMs : Math.max(nowMs, nextTimerMs(nowMs));
        RaftEffects effects = new RaftEffects(quorum.takePendingPersist(), flush, outbox, listenerEvents,
                appendResults, wakeupAtMs);
        outbox.clear();
        listenerEvents.clear();
        appendResults.clear();
        return effects;
    }

    private long nextTimerMs(long nowMs) {
        EpochState state = quorum.current();
        long next = Long.MAX_VALUE;
        if (state instanceof UnattachedState unattached) {
            next = quorum.isVoter() ? unattached.electionDeadlineMs() : replication.nextFetchTimerMs(nowMs);
        } else if (state instanceof ProspectiveState prospective) {
            next = prospective.backingOff() ? prospective.backoffUntilMs() : prospective.electionDeadlineMs();
        } else if (state instanceof CandidateState candidate) {
            next = candidate.backingOff() ? candidate.backoffUntilMs() : candidate.electionDeadlineMs();
        } else if (state instanceof LeaderState leader) {
            next = Math.min(leader.accumulator().nextDrainMs(), leader.nextCheckQuorumMs(nowMs, config.checkQuorumTimeoutMs()));
            if (!leader.unackedBeginQuorum().isEmpty()) {
                next = Math.min(next, leader.beginQuorumResendAtMs);
            }
            next = Math.min(next, replication.nextParkedFetchDeadlineMs(leader));
        } else if (state instanceof FollowerState follower) {
            next = Math.min(follower.fetchDeadlineMs(), replication.nextFetchTimerMs(nowMs));
        } else if (state instanceof ResignedState resigned) {
            next = resigned.electionDeadlineMs();
            if (!resigned.unacknowledged().isEmpty()) {
                next = Math.min(next, resigned.resendAtMs);
            }
        }
        return next;
    }

    /** Builds a node. Everything but planted bugs is required. */
    public static final class Builder {
        private int nodeId = -1;
        private String clusterId;
        private RaftConfig config = RaftConfig.DEFAULT;
        private VoterSet voters;
        private RaftLog log;
        private SnapshotStore snapshots;
        private ElectionState electionState = ElectionState.INITIAL;
        private Random random;
        private long nowMs;
        private final Set<PlantedBug> bugs = EnumSet.noneOf(PlantedBug.class);

        public Builder nodeId(int nodeId) {
            this.nodeId = nodeId;
            return this;
        }

        public Builder clusterId(String clusterId) {
            this.clusterId = clusterId;
            return this;
        }

        public Builder config(RaftConfig config) {
            this.config = config;
            return this;
        }

        public Builder voters(VoterSet voters) {
            this.voters = voters;
            return this;
        }

        public Builder log(RaftLog log) {
            this.log = log;
            return this;
        }

        public Builder snapshots(SnapshotStore snapshots) {
            this.snapshots = snapshots;
            return this;
        }

        /** The election state persisted before the last stop (initial when new). */
        public Builder electionState(ElectionState electionState) {
            this.electionState = electionState;
            return this;
        }

        /** The source of all randomness (election timeouts, back-off): seed it in tests. */
        public Builder random(Random random) {
            this.random = random;
            return this;
        }

        public Builder nowMs(long nowMs) {
            this.nowMs = nowMs;
            return this;
        }

        /** Test-only: switches on a deliberate protocol bug; see {@link PlantedBug}. */
        public Builder plantBugForTesting(PlantedBug bug) {
            bugs.add(bug);
            return this;
        }

        public RaftNode build() {
            if (nodeId < 0) {
                throw new IllegalArgumentException("node.id must be set and >= 0");
            }
            if (clusterId == null || clusterId.isBlank()) {
                throw new IllegalArgumentException("cluster.id must be set");
            }
            return new RaftNode(this);
        }
    }
}
