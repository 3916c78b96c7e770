package io.kraftlet.controller;

import io.kraftlet.image.MetadataDelta;
import io.kraftlet.image.MetadataImage;
import io.kraftlet.metadata.ConfigResource;
import io.kraftlet.metadata.LeaderRecoveryState;
import io.kraftlet.metadata.MetadataRecord;
import io.kraftlet.raft.LeaderAndEpoch;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * The controller as a pure state machine, one per controller node. The Raft leader's controller
 * is active: it decides commands with its {@code *ControlManager}s against its latest image
 * (committed records plus its own appended ones), appends the records, applies them to that
 * latest image at once, and answers each command once everything it wrote (and everything
 * written before it) is committed. Every controller, active or standby, follows the committed
 * log through {@link #handleCommittedImage}, so a standby holds a warm image and takes over at
 * once.
 *
 * <p>Offsets: the active controller is the only writer of its epoch and knows where its records
 * land: after the leader's first committed batch of the epoch, every append goes right after the
 * previous one. A broker's epoch is the offset of its RegisterBroker record. If an append is
 * refused or lands elsewhere than expected, the controller drops its uncommitted view, refuses
 * writes until everything in flight is settled, and starts again from the committed image.
 *
 * <p>Pure: no threads, no clock, no I/O. Inputs carry {@code nowMs}; outputs are
 * {@link ControllerEffects} collected with {@link #drainEffects()}.
 */
public final class QuorumController {
    /** Request id for the controller's own writes (fencing, rebalancing, NoOp), which nobody waits for. */
    public static final long NO_REQUEST = -1;
    /** At most this many expired sessions are fenced per tick; the next tick continues. */
    static final int MAX_FENCES_PER_TICK = 16;
    /** After a throttled fence, wait this long (or for an append to settle) before trying again. */
    static final long THROTTLE_RETRY_MS = 50;

    private final int nodeId;
    private final ControllerConfig config;
    private final ToIntFunction<MetadataRecord> sizer;
    private final ConfigurationControlManager configs;
    private final ReplicationControlManager replication;
    private final ClusterControlManager cluster;

    private MetadataImage committed = MetadataImage.EMPTY;
    private MetadataImage latest = MetadataImage.EMPTY;
    private LeaderAndEpoch leader = LeaderAndEpoch.UNKNOWN;
    private boolean active;
    /** Our view was dropped while we still lead: become active again once nothing is in flight. */
    private boolean resyncing;
    private long nextWriteOffset;
    private long nextAppendId;
    private long inFlightBytes;
    private final Deque<PendingWrite> pendingWrites = new ArrayDeque<>();
    private final Deque<DeferredReply> deferred = new ArrayDeque<>();
    private long nextRebalanceMs = Long.MAX_VALUE;
    private long lastWriteMs;
    /** No fencing attempt before this time: the last one was throttled and nothing settled since. */
    private long throttledUntilMs;

    private final List<ControllerEffects.Append> appends = new ArrayList<>();
    private final List<ControllerEffects.Reply> replies = new ArrayList<>();

    private long uncleanElections;
    private long timedOutHeartbeats;
    private long renounces;

    private record PendingWrite(long appendId, long expectedLastOffset, long bytes) {
    }

    private record DeferredReply(long requestId, long committedEndOffset, Object response) {
    }

    /**
     * @param sizer the encoded size of a record, to keep appends under the batch limit
     * @param random seeded: topic ids and replica placement
     */
    public QuorumController(int nodeId, ControllerConfig config, ToIntFunction<MetadataRecord> sizer, Random random) {
        this(nodeId, config, sizer, random, Set.of());
    }

    /**
     * Test-only: a controller with deliberate bugs switched on, so the controller simulation
     * can show its checkers catch them (see {@link ControllerPlantedBug}). Production code uses
     * the constructor without bugs.
     */
    public QuorumController(int nodeId, ControllerConfig config, ToIntFunction<MetadataRecord> sizer, Random random,
            Set<ControllerPlantedBug> plantedBugs) {
        this.nodeId = nodeId;
        this.config = config;
        this.sizer = sizer;
        this.configs = new ConfigurationControlManager(config);
        this.replication = new ReplicationControlManager(config, configs, random, sizer, plantedBugs);
        this.cluster = new ClusterControlManager(config, replication);
    }

    // ---------------------------------------------------------------- the log

    /** The metadata log was committed and replayed up to {@code image.endOffset()}. */
    public void handleCommittedImage(MetadataImage image, long nowMs) {
        if (image.endOffset() < committed.endOffset()) {
            throw new IllegalStateException("committed image went back from " + committed.endOffset() + " to "
                    + image.endOffset());
        }
        committed = image;
        if (!active) {
            latest = image;
        } else if (committed.endOffset() > nextWriteOffset) {
            renounce("the log reached offset " + committed.endOffset() + " beyond this controller's writes ("
                    + nextWriteOffset + ")");
        }
        releaseReplies();
        if (!active && resyncing && pendingWrites.isEmpty() && leader.isLeader(nodeId)) {
            activate(nowMs);
        }
    }

    /** A snapshot replaced the state (a member that fell behind the log start). */
    public void handleLoadSnapshot(MetadataImage image, long nowMs) {
        if (active) {
            renounce("a snapshot was loaded while active");
        }
        committed = image;
        latest = image;
        if (resyncing && pendingWrites.isEmpty() && leader.isLeader(nodeId)) {
            activate(nowMs);
        }
    }

    /**
     * The Raft leader changed. On this node's own election it comes once the listener applied
     * everything committed, so the committed image ends where this controller's writes begin.
     */
    public void handleLeaderChange(LeaderAndEpoch newLeader, long nowMs) {
        boolean epochChanged = newLeader.epoch() != leader.epoch();
        leader = newLeader;
        if (active && (epochChanged || !newLeader.isLeader(nodeId))) {
            renounce("node " + newLeader.leaderIdOrNil() + " leads epoch " + newLeader.epoch());
        }
        if (!newLeader.isLeader(nodeId)) {
            resyncing = false;
        } else if (!active && pendingWrites.isEmpty()) {
            activate(nowMs);
        } else if (!active) {
            resyncing = true;
        }
    }

    /** The outcome of an append: committed at {@code lastOffset}, or not appended / lost. */
    public void handleAppendResult(long appendId, boolean committedOk, long lastOffset, long nowMs) {
        PendingWrite write = null;
        for (Iterator<PendingWrite> it = pendingWrites.iterator(); it.hasNext();) {
            PendingWrite candidate = it.next();
            if (candidate.appendId() == appendId) {
                write = candidate;
                it.remove();
                break;
            }
        }
        if (write == null) {
            return;
        }
        inFlightBytes -= write.bytes();
        throttledUntilMs = 0; // room was freed: a throttled fence may go now
        if (active && !committedOk) {
            renounce("append " + appendId + " failed");
        } else if (active && lastOffset != write.expectedLastOffset()) {
            renounce("append " + appendId + " landed at " + lastOffset + ", expected " + write.expectedLastOffset());
        }
        if (!active && resyncing && pendingWrites.isEmpty() && leader.isLeader(nodeId)) {
            activate(nowMs);
        }
    }

    private void activate(long nowMs) {
        active = true;
        resyncing = false;
        latest = committed;
        nextWriteOffset = committed.endOffset();
        cluster.activate(latest, nowMs);
        nextRebalanceMs = nowMs + config.leaderImbalanceCheckIntervalMs();
        lastWriteMs = nowMs;
        // A previous active controller may have committed only part of a command (a FenceBroker
        // without all its partition changes): finish it before anything else.
        List<MetadataRecord> repairs = replication.reconcile(latest);
        if (!repairs.isEmpty()) {
            write(NO_REQUEST, ControllerResult.of(repairs, null), nowMs);
        }
    }

    private void renounce(String reason) {
        renounces++;
        active = false;
        resyncing = leader.isLeader(nodeId);
        latest = committed;
        cluster.deactivate();
        nextRebalanceMs = Long.MAX_VALUE;
        for (DeferredReply reply : deferred) {
            if (reply.requestId() != NO_REQUEST) {
                replies.add(new ControllerEffects.Reply(reply.requestId(), null, notController(reason)));
            }
        }
        deferred.clear();
    }

    // ---------------------------------------------------------------- commands

    public void registerBroker(long requestId, ControllerApi.BrokerRegistrationRequest request, long nowMs) {
        if (refuseUnlessActive(requestId)) {
            return;
        }
        write(requestId, cluster.registerBroker(latest, request, nextWriteOffset, nowMs), nowMs);
    }

    public void brokerHeartbeat(long requestId, ControllerApi.BrokerHeartbeatRequest request, long nowMs) {
        if (refuseUnlessActive(requestId)) {
            return;
        }
        write(requestId, cluster.heartbeat(latest, request, nextWriteOffset, nowMs), nowMs);
    }

    public void alterPartition(long requestId, ControllerApi.AlterPartitionRequest request, long nowMs) {
        if (refuseUnlessActive(requestId)) {
            return;
        }
        write(requestId, replication.alterPartition(latest, request), nowMs);
    }

    public void createTopics(long requestId, ControllerApi.CreateTopicsRequest request, long nowMs) {
        if (refuseUnlessActive(requestId)) {
            return;
        }
        write(requestId, replication.createTopics(latest, request), nowMs);
    }

    public void deleteTopics(long requestId, ControllerApi.DeleteTopicsRequest request, long nowMs) {
        if (refuseUnlessActive(requestId)) {
            return;
        }
        write(requestId, replication.deleteTopics(latest, request), nowMs);
    }

    public void electLeaders(long requestId, ControllerApi.ElectLeadersRequest request, long nowMs) {
        if (refuseUnlessActive(requestId)) {
            return;
        }
        write(requestId, replication.electLeaders(latest, request), nowMs);
    }

    public void alterConfigs(long requestId, ControllerApi.AlterConfigsRequest request, long nowMs) {
        if (refuseUnlessActive(requestId)) {
            return;
        }
        ControllerResult<ControllerApi.AlterConfigsReply> result = configs.alterConfigs(latest, request);
        List<MetadataRecord> records = new ArrayList<>(result.records());
        // Turning unclean election on for a topic elects leaders for its offline partitions at once.
        MetadataImage after = result.records().isEmpty() ? latest : applyTo(latest, result.records(), nextWriteOffset);
        for (MetadataRecord record : result.records()) {
            if (record instanceof MetadataRecord.Config config && config.resource().type() == ConfigResource.Type.TOPIC
                    && config.name().equals(ConfigurationControlManager.UNCLEAN_LEADER_ELECTION_ENABLE)
                    && configs.uncleanLeaderElectionEnabled(after, config.resource().name())) {
                records.addAll(replication.electOffline(after, config.resource().name(), true));
            }
        }
        write(requestId, ControllerResult.of(records, result.response()), nowMs);
    }

    private boolean refuseUnlessActive(long requestId) {
        if (active) {
            return false;
        }
        replies.add(new ControllerEffects.Reply(requestId, null, notController(resyncing
                ? "controller " + nodeId + " is settling its writes after a failed append"
                : "controller " + nodeId + " is not active")));
        return true;
    }

    private NotControllerException notController(String reason) {
        int leaderId = leader.isLeader(nodeId) ? -1 : leader.leaderIdOrNil();
        return new NotControllerException(reason + "; the active controller is "
                + (leaderId < 0 ? "unknown" : "node " + leaderId),
                new ControllerApi.ControllerInfo(leaderId, leader.epoch(), "", -1));
    }

    /** Appends the result's records and defers its answer; false if throttled (nothing appended). */
    private <T> boolean write(long requestId, ControllerResult<T> result, long nowMs) {
        List<MetadataRecord> records = result.records();
        if (records.isEmpty()) {
            defer(requestId, nextWriteOffset, result.response());
            return true;
        }
        int[] sizes = new int[records.size()];
        long total = 0;
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = sizer.applyAsInt(records.get(i));
            total += sizes[i];
        }
        if (inFlightBytes > 0 && inFlightBytes + total > config.maxInFlightAppendBytes()) {
            if (requestId != NO_REQUEST) {
                replies.add(new ControllerEffects.Reply(requestId, ControllerErrors.throttled(result.response(),
                        "controller " + nodeId + " has " + inFlightBytes + " bytes of records waiting to commit"), null));
            }
            return false;
        }
        latest = applyTo(latest, records, nextWriteOffset);
        boolean[] starts = ReplicationControlManager.atomicGroupStarts(records);
        int start = 0;
        long bytes = 0;
        for (int i = 0; i <= records.size(); i++) {
            // Split before a group that would not fit whole (createTopics made every topic fit alone).
            boolean split = i == records.size() || i > start && starts[i]
                    && bytes + groupBytes(starts, sizes, i) > config.maxAppendBytes();
            if (split) {
                List<MetadataRecord> chunk = records.subList(start, i);
                long expectedLast = nextWriteOffset + chunk.size() - 1;
                long appendId = nextAppendId++;
                appends.add(new ControllerEffects.Append(appendId, chunk, expectedLast));
                pendingWrites.add(new PendingWrite(appendId, expectedLast, bytes));
                inFlightBytes += bytes;
                nextWriteOffset += chunk.size();
                start = i;
                bytes = 0;
            }
            if (i < records.size()) {
                bytes += sizes[i];
            }
        }
        for (MetadataRecord record : records) {
            if (record instanceof MetadataRecord.PartitionChange change && change.leader() != null
                    && change.leader() != MetadataRecord.NO_LEADER
                    && change.leaderRecoveryState() == LeaderRecoveryState.RECOVERING) {
                uncleanElections++;
            }
        }
        lastWriteMs = nowMs;
        defer(requestId, nextWriteOffset, result.response());
        return true;
    }

    /** Bytes of the atomic group that starts at record {@code first}. */
    private static long groupBytes(boolean[] starts, int[] sizes, int first) {
        long bytes = sizes[first];
        for (int i = first + 1; i < sizes.length && !starts[i]; i++) {
            bytes += sizes[i];
        }
        return bytes;
    }

    private void defer(long requestId, long committedEndOffset, Object response) {
        if (requestId == NO_REQUEST) {
            return;
        }
        if (committed.endOffset() >= committedEndOffset) {
            replies.add(new ControllerEffects.Reply(requestId, response, null));
        } else {
            deferred.add(new DeferredReply(requestId, committedEndOffset, response));
        }
    }

    private void releaseReplies() {
        while (!deferred.isEmpty() && deferred.peekFirst().committedEndOffset() <= committed.endOffset()) {
            DeferredReply reply = deferred.pollFirst();
            replies.add(new ControllerEffects.Reply(reply.requestId(), reply.response(), null));
        }
    }

    private static MetadataImage applyTo(MetadataImage image, List<MetadataRecord> records, long baseOffset) {
        MetadataDelta delta = new MetadataDelta(image);
        long offset = baseOffset;
        for (MetadataRecord record : records) {
            delta.replay(record, offset++);
        }
        return delta.apply(offset);
    }

    // ---------------------------------------------------------------- timers

    /** Fences expired sessions, rebalances leaders when due, writes a NoOp when idle. */
    public void tick(long nowMs) {
        if (!active) {
            return;
        }
        for (int i = 0; i < MAX_FENCES_PER_TICK && active && nowMs >= throttledUntilMs; i++) {
            OptionalInt expired = cluster.expiredSession(latest, nowMs);
            if (expired.isEmpty()) {
                break;
            }
            if (!write(NO_REQUEST, ControllerResult.of(cluster.fenceExpired(latest, expired.getAsInt()), null), nowMs)) {
                // Throttled: the broker stays expired; try again once an append settles, or soon.
                throttledUntilMs = nowMs + THROTTLE_RETRY_MS;
                break;
            }
            timedOutHeartbeats++;
        }
        if (active && nowMs >= nextRebalanceMs) {
            nextRebalanceMs = nowMs + config.leaderImbalanceCheckIntervalMs();
            if (config.autoLeaderRebalanceEnable()) {
                List<MetadataRecord> records = replication.rebalanceLeaders(latest, config.maxElectionsPerRebalance());
                if (!records.isEmpty()) {
                    write(NO_REQUEST, ControllerResult.of(records, null), nowMs);
                }
            }
        }
        if (active && config.maxIdleIntervalMs() > 0 && nowMs >= lastWriteMs + config.maxIdleIntervalMs()) {
            write(NO_REQUEST, ControllerResult.of(List.of(new MetadataRecord.NoOp()), null), nowMs);
        }
    }

    /** The effects of every input since the last call, and when to tick next. */
    public ControllerEffects drainEffects() {
        long wakeup = Long.MAX_VALUE;
        if (active) {
            wakeup = Math.min(Math.max(cluster.nextSessionExpiryMs(latest), throttledUntilMs), nextRebalanceMs);
            if (config.maxIdleIntervalMs() > 0) {
                wakeup = Math.min(wakeup, lastWriteMs + config.maxIdleIntervalMs());
            }
        }
        ControllerEffects effects = new ControllerEffects(appends, replies, wakeup);
        appends.clear();
        replies.clear();
        return effects;
    }

    // ---------------------------------------------------------------- state

    public boolean isActive() {
        return active;
    }

    public int nodeId() {
        return nodeId;
    }

    public LeaderAndEpoch leader() {
        return leader;
    }

    /** The image of committed records: what reads are answered from. */
    public MetadataImage committedImage() {
        return committed;
    }

    /** The committed image plus this active controller's own uncommitted records. */
    public MetadataImage latestImage() {
        return latest;
    }

    public long uncleanElections() {
        return uncleanElections;
    }

    public long timedOutHeartbeats() {
        return timedOutHeartbeats;
    }

    /** How often this controller dropped its uncommitted view (leadership lost, append failed). */
    public long renounces() {
        return renounces;
    }

    public ConfigurationControlManager configs() {
        return configs;
    }
}
