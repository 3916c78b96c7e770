package io.kraftlet.raft;

import io.kraftlet.log.SnapshotStore;
import io.kraftlet.raft.message.Errors;
import io.kraftlet.raft.message.FetchRequest;
import io.kraftlet.raft.message.FetchResponse;
import io.kraftlet.raft.message.FetchSnapshotRequest;
import io.kraftlet.raft.message.FetchSnapshotResponse;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * Pull-based replication, both sides: the leader answers fetches (records, a diverging epoch,
 * or a snapshot id) and holds empty ones (long-poll); followers and observers fetch from their
 * durable log end, truncate on a diverging epoch, load snapshots chunk by chunk, and take the
 * leader's high watermark. Part of the core; shares {@link RaftNode}'s state.
 */
final class ReplicationHandler {
    private final RaftNode node;
    private long fetchedRecords;

    ReplicationHandler(RaftNode node) {
        this.node = node;
    }

    long fetchedRecords() {
        return fetchedRecords;
    }

    // ---------------------------------------------------------------- leader side

    void handleFetchRequest(int from, FetchRequest request, long nowMs) {
        if (request.replicaId() != from || request.replicaId() == node.nodeId || request.fetchOffset() < 0
                || request.lastFetchedEpoch() < 0 || request.maxBytes() <= 0 || request.maxWaitMs() < 0) {
            node.send(from, node.errorResponse(request, Errors.INVALID_REQUEST));
            return;
        }
        Errors epochError = validateLeaderRequest(request.replicaEpoch());
        if (epochError != Errors.NONE) {
            node.send(from, node.errorResponse(request, epochError));
            return;
        }
        LeaderState leader = (LeaderState) node.quorum.current();
        Optional<FetchResponse> refusal = checkFetchPosition(leader, request);
        if (refusal.isPresent()) {
            node.send(from, refusal.get());
            return;
        }
        leader.updateReplica(from, request.fetchOffset(), node.log.endOffset(), nowMs);
        long highWatermarkBefore = node.highWatermark;
        node.maybeAdvanceHighWatermark(nowMs);
        // Hold a fetch with nothing to return, unless this very fetch moved the high watermark:
        // the fetcher learns it at once instead of after the long-poll wait.
        if (request.fetchOffset() == node.log.endOffset() && request.maxWaitMs() > 0
                && node.highWatermark == highWatermarkBefore) {
            long waitMs = Math.min(request.maxWaitMs(), node.config.fetchMaxWaitMs());
            // One held fetch per replica: a newer one means the older was given up on.
            leader.parkedFetches().put(from, new LeaderState.ParkedFetch(from, request, nowMs + waitMs));
            return;
        }
        node.send(from, fetchResponse(leader, request));
    }

    /**
     * Epoch checks of a request only the leader serves: a newer epoch means this node is
     * behind; a non-leader says who leads; an older epoch is fenced (the response tells the
     * sender the current leader and epoch).
     */
    private Errors validateLeaderRequest(int requestEpoch) {
        if (requestEpoch > node.quorum.epoch()) {
            return Errors.UNKNOWN_LEADER_EPOCH;
        }
        if (!(node.quorum.current() instanceof LeaderState)) {
            return Errors.NOT_LEADER;
        }
        if (requestEpoch < node.quorum.epoch()) {
            return Errors.FENCED_LEADER_EPOCH;
        }
        return Errors.NONE;
    }

    /**
     * Checks that the fetcher's log matches ours up to its fetch offset. It does if we hold its
     * last fetched epoch and that epoch ends at or after the fetch offset here; otherwise the
     * fetcher must truncate to where that epoch ends here (diverging epoch), or load our
     * snapshot if the answer lies below our log start.
     */
    private Optional<FetchResponse> checkFetchPosition(LeaderState leader, FetchRequest request) {
        if (request.fetchOffset() < node.log.startOffset()) {
            return Optional.of(snapshotAnswer(leader, request));
        }
        if (node.bugs.contains(PlantedBug.NO_DIVERGENCE_CHECK)) {
            return Optional.empty();
        }
        OffsetAndEpoch end = node.log.endOffsetForEpoch(request.lastFetchedEpoch());
        if (end.epoch() == -1) {
            return Optional.of(snapshotAnswer(leader, request));
        }
        if (end.epoch() != request.lastFetchedEpoch() || request.fetchOffset() > end.offset()) {
            return Optional.of(divergingAnswer(leader, request, end));
        }
        return Optional.empty();
    }

    private FetchResponse snapshotAnswer(LeaderState leader, FetchRequest request) {
        Optional<SnapshotStore.Snapshot> latest = node.snapshots.latest();
        if (latest.isEmpty()) {
            throw new IllegalStateException("log starts at " + node.log.startOffset() + " but no snapshot exists");
        }
        return new FetchResponse(request.correlationId(), Errors.NONE, node.nodeId, leader.epoch(), node.highWatermark,
                node.log.startOffset(), List.of(), Optional.empty(), Optional.of(latest.get().id()));
    }

    private FetchResponse divergingAnswer(LeaderState leader, FetchRequest request, OffsetAndEpoch end) {
        return new FetchResponse(request.correlationId(), Errors.NONE, node.nodeId, leader.epoch(), node.highWatermark,
                node.log.startOffset(), List.of(), Optional.of(end), Optional.empty());
    }

    private FetchResponse fetchResponse(LeaderState leader, FetchRequest request) {
        int maxBytes = Math.min(request.maxBytes(), node.config.fetchMaxBytes());
        List<Batch> batches;
        try {
            batches = node.log.read(request.fetchOffset(), Long.MAX_VALUE, maxBytes);
        } catch (IllegalArgumentException notOnBoundary) {
            // Only reachable with the NO_DIVERGENCE_CHECK bug planted: a valid fetch offset is
            // always a batch boundary, since the fetcher's matching prefix is our batches.
            if (!node.bugs.contains(PlantedBug.NO_DIVERGENCE_CHECK)) {
                throw notOnBoundary;
            }
            batches = List.of();
        }
        return new FetchResponse(request.correlationId(), Errors.NONE, node.nodeId, leader.epoch(), node.highWatermark,
                node.log.startOffset(), batches, Optional.empty(), Optional.empty());
    }

    /** New data or a new high watermark: answer every held fetch now. */
    void completeParkedFetches(LeaderState leader, long nowMs) {
        for (LeaderState.ParkedFetch parked : leader.parkedFetches().values()) {
            node.send(parked.replicaId(), fetchResponse(leader, parked.request()));
        }
        leader.parkedFetches().clear();
    }

    void expireParkedFetches(LeaderState leader, long nowMs) {
        Iterator<LeaderState.ParkedFetch> iterator = leader.parkedFetches().values().iterator();
        while (iterator.hasNext()) {
            LeaderState.ParkedFetch parked = iterator.next();
            if (nowMs >= parked.deadlineMs()) {
                node.send(parked.replicaId(), fetchResponse(leader, parked.request()));
                iterator.remove();
            }
        }
    }

    void answerParkedFetchesWithError(LeaderState leader, Errors error) {
        for (LeaderState.ParkedFetch parked : leader.parkedFetches().values()) {
            node.send(parked.replicaId(), FetchResponse.error(parked.request().correlationId(), error, -1, leader.epoch()));
        }
        leader.parkedFetches().clear();
    }

    long nextParkedFetchDeadlineMs(LeaderState leader) {
        long next = Long.MAX_VALUE;
        for (LeaderState.ParkedFetch parked : leader.parkedFetches().values()) {
            next = Math.min(next, parked.deadlineMs());
        }
        return next;
    }

    void handleFetchSnapshotRequest(int from, FetchSnapshotRequest request, long nowMs) {
        if (request.replicaId() != from || request.position() < 0 || request.maxBytes() <= 0
                || request.snapshotId() == null) {
            node.send(from, node.errorResponse(request, Errors.INVALID_REQUEST));
            return;
        }
        Errors epochError = validateLeaderRequest(request.replicaEpoch());
        if (epochError != Errors.NONE) {
            node.send(from, node.errorResponse(request, epochError));
            return;
        }
        LeaderState leader = (LeaderState) node.quorum.current();
        // Loading a snapshot is contact with the leader: it keeps check-quorum satisfied.
        leader.updateReplica(from, -1, node.log.endOffset(), nowMs);
        Optional<SnapshotStore.Snapshot> snapshot = node.snapshots.read(request.snapshotId());
        if (snapshot.isEmpty()) {
            node.send(from, node.errorResponse(request, Errors.SNAPSHOT_NOT_FOUND));
            return;
        }
        byte[] data = snapshot.get().data();
        if (request.position() > data.length) {
            node.send(from, node.errorResponse(request, Errors.POSITION_OUT_OF_RANGE));
            return;
        }
        int start = (int) request.position();
        int end = (int) Math.min(data.length, start + (long) Math.min(request.maxBytes(), node.config.snapshotChunkMaxBytes()));
        node.send(from, new FetchSnapshotResponse(request.correlationId(), Errors.NONE, node.nodeId, leader.epoch(),
                request.snapshotId(), data.length, start, Arrays.copyOfRange(data, start, end)));
    }

    // ---------------------------------------------------------------- follower and observer side

    /**
     * Sends the next fetch when none is in flight. A follower fetches only once everything it
     * appended is flushed, so the offset it reports is durable and may count toward the high
     * watermark. An observer without a leader asks a voter, which names the leader.
     */
    void maybeSendFetch(long nowMs) {
        EpochState state = node.quorum.current();
        if (state instanceof FollowerState follower) {
            if (follower.inFlight != null && follower.inFlight.timedOut(nowMs, fetchRetryMs())) {
                follower.inFlight = null;
            }
            if (follower.inFlight != null || nowMs < follower.retryAtMs) {
                return;
            }
            long correlationId = node.newCorrelationId();
            if (follower.snapshotFetch != null) {
                node.send(follower.leaderId(), new FetchSnapshotRequest(node.clusterId, correlationId, node.nodeId,
                        follower.epoch(), follower.snapshotFetch.id, follower.snapshotFetch.bytes.size(),
                        node.config.snapshotChunkMaxBytes()));
            } else if (!node.flushInFlight && node.flushedEndOffset == node.log.endOffset()) {
                node.send(follower.leaderId(), fetchRequest(correlationId, follower.epoch()));
            } else {
                return;
            }
            follower.inFlight = new PendingRequest(correlationId, follower.leaderId(), nowMs);
        } else if (state instanceof UnattachedState unattached && !node.quorum.isVoter()) {
            if (unattached.discoveryFetch != null
                    && !unattached.discoveryFetch.timedOut(nowMs, node.config.requestTimeoutMs())) {
                return;
            }
            List<Integer> voters = List.copyOf(node.quorum.voters().ids());
            int bootstrap = voters.get(node.random.nextInt(voters.size()));
            long correlationId = node.newCorrelationId();
            node.send(bootstrap, fetchRequest(correlationId, unattached.epoch()));
            unattached.discoveryFetch = new PendingRequest(correlationId, bootstrap, nowMs);
        }
    }

    private FetchRequest fetchRequest(long correlationId, int epoch) {
        return new FetchRequest(node.clusterId, correlationId, node.nodeId, epoch, node.log.endOffset(),
                node.log.lastEpoch(), node.config.fetchMaxWaitMs(), node.config.fetchMaxBytes());
    }

    /**
     * How long a follower waits for a fetch answer before sending the fetch again. The leader
     * answers within the long-poll wait, so waiting a whole request timeout on a lost fetch
     * would let the fetch timeout expire first and start a needless election.
     */
    long fetchRetryMs() {
        return Math.min(node.config.requestTimeoutMs(), node.config.fetchMaxWaitMs() + node.config.requestTimeoutMs() / 4);
    }

    /** When the fetch in flight must be given up, or {@code Long.MAX_VALUE}. */
    long nextFetchTimerMs(long nowMs) {
        EpochState state = node.quorum.current();
        PendingRequest pending = null;
        if (state instanceof FollowerState follower) {
            pending = follower.inFlight;
            if (pending == null && follower.retryAtMs > nowMs) {
                return follower.retryAtMs;
            }
        } else if (state instanceof UnattachedState unattached) {
            pending = unattached.discoveryFetch;
            return pending == null ? Long.MAX_VALUE : pending.sentAtMs() + node.config.requestTimeoutMs();
        }
        return pending == null ? Long.MAX_VALUE : pending.sentAtMs() + fetchRetryMs();
    }

    void handleFetchResponse(int from, FetchResponse response, long nowMs) {
        EpochState state = node.quorum.current();
        if (state instanceof UnattachedState unattached && unattached.discoveryFetch != null
                && unattached.discoveryFetch.matches(response.correlationId())) {
            // No leader was named (or the answer would have made us a follower): ask again later.
            unattached.discoveryFetch = new PendingRequest(response.correlationId(), from,
                    nowMs - node.config.requestTimeoutMs() + node.config.retryBackoffMs());
            return;
        }
        if (!(state instanceof FollowerState follower) || follower.inFlight == null
                || !follower.inFlight.matches(response.correlationId()) || from != follower.leaderId()) {
            return; // late, duplicated or misdirected
        }
        follower.inFlight = null;
        if (response.error() == Errors.NOT_LEADER && response.leaderEpoch() == follower.epoch()) {
            // Our leader itself says it no longer leads (it resigned or restarted): stop
            // waiting for it and let an election start.
            follower.markLeaderEnded(nowMs);
            return;
        }
        if (response.error() != Errors.NONE || response.leaderEpoch() != follower.epoch()) {
            follower.retryAtMs = nowMs + node.config.retryBackoffMs();
            return;
        }
        follower.resetFetchDeadline(nowMs + node.config.fetchTimeoutMs());
        if (response.divergingEpoch().isPresent()) {
            truncateToDivergence(response.divergingEpoch().get());
        } else if (response.snapshotId().isPresent()) {
            follower.snapshotFetch = new FollowerState.SnapshotFetch(response.snapshotId().get());
        } else {
            appendAsFollower(follower, response);
        }
    }

    /**
     * The leader's log diverges from ours: cut our log where our copy of the diverging epoch
     * ends or where the leader's does, whichever is earlier. Everything cut was never
     * committed, because a valid fetch never reached past it.
     */
    private void truncateToDivergence(OffsetAndEpoch leaderEnd) {
        OffsetAndEpoch ownEnd = node.log.endOffsetForEpoch(leaderEnd.epoch());
        // Both logs hold the epoch: they agree up to where the shorter copy ends. Our log lacks
        // it: keep only what precedes our older epoch's end (a batch boundary of ours; the
        // leader's offset may fall inside one of our batches) and ask again from there.
        long truncateTo = ownEnd.epoch() == leaderEnd.epoch() ? Math.min(leaderEnd.offset(), ownEnd.offset())
                : ownEnd.offset();
        if (truncateTo < node.log.startOffset()) {
            throw new IllegalStateException("node " + node.nodeId + ": diverging epoch " + leaderEnd
                    + " lies below the log start " + node.log.startOffset() + ", inside committed data");
        }
        node.log.truncateTo(truncateTo);
        node.flushedEndOffset = Math.min(node.flushedEndOffset, truncateTo);
    }

    private void appendAsFollower(FollowerState follower, FetchResponse response) {
        for (Batch batch : response.batches()) {
            if (batch.baseOffset() != node.log.endOffset() || batch.epoch() > follower.epoch()) {
                break; // not contiguous with our log, or from a future epoch: refetch
            }
            node.log.append(batch);
            fetchedRecords += batch.records().size();
        }
        // Only a valid fetch reaches here, so our log matches the leader's up to its end; the
        // leader's high watermark is safe to adopt as far as our log reaches.
        long highWatermark = Math.min(response.highWatermark(), node.log.endOffset());
        if (highWatermark > node.highWatermark) {
            node.highWatermark = highWatermark;
        }
    }

    /**
     * Whether our log (or our own snapshot) already holds the last record of {@code id}. A log
     * that merely reaches as far may hold other, uncommitted records there: then it must be
     * replaced by the snapshot, or the same snapshot would be offered again forever.
     */
    private boolean holdsEndOf(SnapshotId id) {
        if (id.endOffset() <= node.log.startOffset()) {
            return true;
        }
        return id.endOffset() <= node.log.endOffset() && node.log.epochOf(id.endOffset() - 1) == id.epoch();
    }

    void handleFetchSnapshotResponse(int from, FetchSnapshotResponse response, long nowMs) {
        if (!(node.quorum.current() instanceof FollowerState follower) || follower.inFlight == null
                || !follower.inFlight.matches(response.correlationId()) || follower.snapshotFetch == null) {
            return;
        }
        follower.inFlight = null;
        FollowerState.SnapshotFetch fetch = follower.snapshotFetch;
        if (response.error() == Errors.SNAPSHOT_NOT_FOUND || response.error() == Errors.POSITION_OUT_OF_RANGE) {
            follower.snapshotFetch = null; // the leader moved on to a newer snapshot: fetch again
            return;
        }
        if (response.error() != Errors.NONE || response.leaderEpoch() != follower.epoch()
                || !fetch.id.equals(response.snapshotId()) || response.position() != fetch.bytes.size()) {
            follower.retryAtMs = nowMs + node.config.retryBackoffMs();
            return;
        }
        follower.resetFetchDeadline(nowMs + node.config.fetchTimeoutMs());
        fetch.bytes.write(response.chunk(), 0, response.chunk().length);
        if (fetch.bytes.size() < response.size()) {
            return;
        }
        follower.snapshotFetch = null;
        if (holdsEndOf(fetch.id)) {
            return; // our log already holds the snapshot's last record: keep it, fetch on
        }
        node.snapshots.write(new SnapshotStore.Snapshot(fetch.id, fetch.bytes.toByteArray()));
        node.log.resetTo(fetch.id);
        node.flushedEndOffset = fetch.id.endOffset();
        // A snapshot holds only committed data.
        node.highWatermark = Math.max(node.highWatermark, fetch.id.endOffset());
    }
}
