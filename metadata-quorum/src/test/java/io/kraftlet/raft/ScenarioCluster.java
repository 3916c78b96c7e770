package io.kraftlet.raft;

import io.kraftlet.log.MemoryRaftLog;
import io.kraftlet.log.MemorySnapshotStore;
import io.kraftlet.raft.message.RaftMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A small, fully deterministic driver for scenario tests: a few {@link RaftNode}s over
 * {@link MemoryRaftLog}s, one FIFO message queue that the test delivers explicitly (so it can
 * drop, hold or inspect any message), flushes completed at once or by hand, and a clock that
 * moves only when the test says so. No threads, no sleeps, no wall clock.
 *
 * <p>It carries out each step's {@link RaftEffects} in the documented order (persist, flush,
 * send, deliver) and records what a real driver would act on: persisted election states,
 * listener events, append results, every high watermark, every message sent.
 */
final class ScenarioCluster {
    static final String CLUSTER_ID = "scenario-cluster";
    private static final long SEED = 20240601L;
    /** Guards every loop of the harness, so a livelock fails the test instead of hanging it. */
    private static final int MAX_STEPS = 100_000;

    /**
     * Small timings: election timeout 100 (so deadlines fall in [100, 200)), fetch timeout 200
     * (check-quorum 300, BeginQuorumEpoch resend 50), linger 5, long-poll 50, request timeout
     * 100; batches of at most 1024 bytes.
     */
    static final RaftConfig CONFIG = new RaftConfig(100, 200, 100, 10, 5, 100, 50, 1 << 20, 1024, 4096, 1 << 20,
            10, 64);

    /** A message on its way from one node to another. */
    record Envelope(int from, int to, RaftMessage message) {
        @Override
        public String toString() {
            return from + "->" + to + " " + message;
        }
    }

    /** One node and everything a driver keeps or observes for it. */
    static final class Peer {
        final int id;
        final MemoryRaftLog log = new MemoryRaftLog();
        final MemorySnapshotStore snapshots = new MemorySnapshotStore();
        /** The last persisted election state; survives restarts. */
        ElectionState persisted = ElectionState.INITIAL;
        final List<ElectionState> persistHistory = new ArrayList<>();
        final List<ListenerEvent> listenerEvents = new ArrayList<>();
        final List<AppendResult> appendResults = new ArrayList<>();
        /** The high watermark after every step that changed it, starting with the initial one. */
        final List<Long> highWatermarks = new ArrayList<>();
        /** When false, a requested flush stays under way until {@link #completeFlush} is called. */
        boolean autoFlush = true;
        long wakeupAtMs = Long.MAX_VALUE;
        int incarnation;
        RaftNode node;

        Peer(int id) {
            this.id = id;
        }
    }

    private final RaftConfig config;
    private final VoterSet voters;
    private final Map<Integer, Peer> peers = new TreeMap<>();
    private final List<Envelope> queue = new ArrayList<>();
    private final List<Envelope> sent = new ArrayList<>();
    private final List<Envelope> dropped = new ArrayList<>();
    private final List<Predicate<Envelope>> dropRules = new ArrayList<>();
    private long nowMs;
    private boolean started;

    /** A cluster of these voters, not started yet: logs and persisted state may be prepared. */
    ScenarioCluster(RaftConfig config, int... voterIds) {
        this.config = config;
        this.voters = new VoterSet(Arrays.stream(voterIds).boxed().toList());
        for (int id : voterIds) {
            peers.put(id, new Peer(id));
        }
    }

    /** A started cluster of these voters with empty logs. */
    static ScenarioCluster started(RaftConfig config, int... voterIds) {
        ScenarioCluster cluster = new ScenarioCluster(config, voterIds);
        cluster.start();
        return cluster;
    }

    /** Builds every node and registers listener 0 on each. */
    void start() {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        for (Peer peer : peers.values()) {
            build(peer);
        }
    }

    /** Adds a node outside the voter set; it starts at once if the cluster runs. */
    Peer addObserver(int id) {
        if (peers.containsKey(id)) {
            throw new IllegalArgumentException("node " + id + " exists");
        }
        Peer peer = new Peer(id);
        peers.put(id, peer);
        if (started) {
            build(peer);
        }
        return peer;
    }

    /** Graceful restart: the log is flushed, the core is rebuilt from the persisted state. */
    void restart(int id) {
        Peer peer = peer(id);
        if (peer.log.flushUnderWay()) {
            peer.log.completeFlush();
        }
        peer.log.flush();
        peer.incarnation++;
        queue.removeIf(envelope -> envelope.to() == id);
        build(peer);
    }

    private void build(Peer peer) {
        peer.node = RaftNode.builder()
                .nodeId(peer.id)
                .clusterId(CLUSTER_ID)
                .config(config)
                .voters(voters)
                .log(peer.log)
                .snapshots(peer.snapshots)
                .electionState(peer.persisted)
                .random(new Random(SEED + 1000L * peer.id + peer.incarnation))
                .nowMs(nowMs)
                .build();
        peer.highWatermarks.add(peer.node.highWatermark());
        apply(peer, peer.node.registerListener(0, nowMs));
    }

    // ---------------------------------------------------------------- access

    Peer peer(int id) {
        Peer peer = peers.get(id);
        if (peer == null) {
            throw new IllegalArgumentException("no node " + id);
        }
        return peer;
    }

    RaftNode node(int id) {
        return peer(id).node;
    }

    long now() {
        return nowMs;
    }

    /** Moves the clock only; nothing is ticked. */
    void advanceTo(long timeMs) {
        if (timeMs < nowMs) {
            throw new IllegalArgumentException("time goes forward only: " + timeMs + " < " + nowMs);
        }
        nowMs = timeMs;
    }

    void advanceBy(long deltaMs) {
        advanceTo(nowMs + deltaMs);
    }

    // ---------------------------------------------------------------- inputs to one node

    RaftEffects tick(int id) {
        return apply(peer(id), node(id).tick(nowMs));
    }

    RaftEffects append(int id, long requestId, String... records) {
        return append(id, requestId, Arrays.stream(records).map(ScenarioCluster::bytes).toList());
    }

    RaftEffects append(int id, long requestId, List<byte[]> records) {
        return apply(peer(id), node(id).append(requestId, records, nowMs));
    }

    RaftEffects shutdown(int id) {
        return apply(peer(id), node(id).shutdown(nowMs));
    }

    RaftEffects createSnapshot(int id, long endOffset, byte[] data) {
        return apply(peer(id), node(id).createSnapshot(endOffset, data, nowMs));
    }

    /** Hands {@code message} from {@code from} straight to {@code to}, bypassing the queue. */
    RaftEffects handle(int from, int to, RaftMessage message) {
        return apply(peer(to), node(to).handleMessage(from, message, nowMs));
    }

    /** Completes the flush under way on a node and reports it to the core. */
    RaftEffects completeFlush(int id) {
        Peer peer = peer(id);
        if (!peer.log.flushUnderWay()) {
            throw new IllegalStateException("node " + id + " has no flush under way");
        }
        return apply(peer, peer.node.handleFlushed(peer.log.completeFlush(), nowMs));
    }

    // ---------------------------------------------------------------- the network

    /** Messages in flight, oldest first (a copy). */
    List<Envelope> queued() {
        return List.copyOf(queue);
    }

    /** Every message any node sent, including dropped ones, oldest first (a copy). */
    List<Envelope> sent() {
        return List.copyOf(sent);
    }

    <T extends RaftMessage> List<T> sent(int from, int to, Class<T> type) {
        return sent.stream().filter(e -> e.from() == from && e.to() == to && type.isInstance(e.message()))
                .map(e -> type.cast(e.message())).toList();
    }

    Optional<Envelope> findQueued(Predicate<Envelope> match) {
        return queue.stream().filter(match).findFirst();
    }

    /** Delivers the oldest queued message that matches; fails if there is none. */
    RaftEffects deliver(Predicate<Envelope> match) {
        Iterator<Envelope> iterator = queue.iterator();
        while (iterator.hasNext()) {
            Envelope envelope = iterator.next();
            if (match.test(envelope)) {
                iterator.remove();
                return deliver(envelope);
            }
        }
        throw new AssertionError("no queued message matches; queue: " + queue);
    }

    /** Delivers the oldest queued message of this type from one node to another. */
    RaftEffects deliver(int from, int to, Class<? extends RaftMessage> type) {
        return deliver(e -> e.from() == from && e.to() == to && type.isInstance(e.message()));
    }

    /** Delivers queued messages, oldest first, until none is left. */
    void deliverAll() {
        deliverAllMatching(envelope -> true);
    }

    /** Delivers matching messages, oldest first, until none that matches is left. */
    void deliverAllMatching(Predicate<Envelope> match) {
        for (int steps = 0; steps < MAX_STEPS; steps++) {
            Optional<Envelope> next = findQueued(match);
            if (next.isEmpty()) {
                return;
            }
            queue.remove(next.get());
            deliver(next.get());
        }
        throw new AssertionError("messages never stopped flowing; queue: " + queue);
    }

    /** Removes every queued message that matches and returns how many there were. */
    int drop(Predicate<Envelope> match) {
        List<Envelope> removed = queue.stream().filter(match).toList();
        queue.removeAll(removed);
        dropped.addAll(removed);
        return removed.size();
    }

    /** From now on, messages that match are lost when sent (queued ones too). */
    void dropWhere(Predicate<Envelope> rule) {
        dropRules.add(rule);
        drop(rule);
    }

    /** Cuts these nodes off from every other node. */
    void isolate(int... ids) {
        for (int id : ids) {
            dropWhere(e -> e.from() == id || e.to() == id);
        }
    }

    /** Removes every drop rule. Messages already lost stay lost. */
    void heal() {
        dropRules.clear();
    }

    private RaftEffects deliver(Envelope envelope) {
        Peer destination = peers.get(envelope.to());
        if (destination == null || destination.node == null || blocked(envelope)) {
            dropped.add(envelope);
            return null;
        }
        return apply(destination, destination.node.handleMessage(envelope.from(), envelope.message(), nowMs));
    }

    private boolean blocked(Envelope envelope) {
        return dropRules.stream().anyMatch(rule -> rule.test(envelope));
    }

    // ---------------------------------------------------------------- running time

    /**
     * Runs every node for {@code durationMs}, one millisecond at a time: each node is ticked
     * when its requested wake-up comes, then every message is delivered.
     */
    void runFor(long durationMs) {
        long endMs = nowMs + durationMs;
        deliverAll();
        while (nowMs < endMs) {
            nowMs++;
            tickDueNodes(() -> false);
            deliverAll();
        }
    }

    /**
     * Runs like {@link #runFor} until {@code condition} holds, checked after every single tick
     * and every single delivery, so the test can catch the moment (say, a message being
     * queued) before anything reacts to it; fails after {@code maxMs}.
     */
    void runUntil(BooleanSupplier condition, long maxMs) {
        long endMs = nowMs + maxMs;
        if (condition.getAsBoolean() || deliverUntil(condition)) {
            return;
        }
        while (nowMs < endMs) {
            nowMs++;
            if (tickDueNodes(condition) || deliverUntil(condition)) {
                return;
            }
        }
        throw new AssertionError("condition not reached within " + maxMs + " ms; " + describe());
    }

    /** Delivers messages one by one until the queue is empty or {@code condition} holds. */
    private boolean deliverUntil(BooleanSupplier condition) {
        for (int steps = 0; steps < MAX_STEPS && !queue.isEmpty(); steps++) {
            deliver(queue.remove(0));
            if (condition.getAsBoolean()) {
                return true;
            }
        }
        if (!queue.isEmpty()) {
            throw new AssertionError("messages never stopped flowing; queue: " + queue);
        }
        return false;
    }

    /**
     * Ticks every node whose wake-up time has come, again while some node asks to be woken
     * at once (a listener backlog); returns true as soon as {@code condition} holds.
     */
    private boolean tickDueNodes(BooleanSupplier condition) {
        for (int round = 0; round < 1_000; round++) {
            boolean ticked = false;
            for (Peer peer : peers.values()) {
                if (peer.node != null && peer.wakeupAtMs <= nowMs) {
                    tick(peer.id);
                    ticked = true;
                    if (condition.getAsBoolean()) {
                        return true;
                    }
                }
            }
            if (!ticked) {
                return false;
            }
        }
        throw new AssertionError("nodes keep asking to be woken at " + nowMs + "; " + describe());
    }

    /**
     * Makes node {@code id} leader: only its own timer runs (the other nodes move only on
     * messages), so the election is deterministic; every message is delivered as it is sent.
     */
    void electLeader(int id) {
        deliverAll();
        for (int steps = 0; steps < 5_000; steps++) {
            if (node(id).state() instanceof LeaderState) {
                deliverAll();
                return;
            }
            nowMs++;
            if (peer(id).wakeupAtMs <= nowMs) {
                tick(id);
            }
            deliverAll();
        }
        throw new AssertionError("node " + id + " did not become leader; " + describe());
    }

    String describe() {
        return peers.values().stream()
                .map(p -> "node " + p.id + " " + (p.node == null ? "down" : p.node.state() + " hw=" + p.node.highWatermark())
                        + " log=[" + p.log.startOffset() + "," + p.log.endOffset() + ")")
                .collect(Collectors.joining("; ", "t=" + nowMs + ": ", ""));
    }

    // ---------------------------------------------------------------- the driver's part

    /** Carries out one step's effects: persist, flush, send, deliver, then arm the timer. */
    private RaftEffects apply(Peer peer, RaftEffects effects) {
        effects.electionState().ifPresent(state -> {
            peer.persisted = state;
            peer.persistHistory.add(state);
        });
        if (effects.flush()) {
            peer.log.beginFlush();
        }
        for (Outbound outbound : effects.messages()) {
            Envelope envelope = new Envelope(peer.id, outbound.destination(), outbound.message());
            sent.add(envelope);
            if (blocked(envelope)) {
                dropped.add(envelope);
            } else {
                queue.add(envelope);
            }
        }
        peer.listenerEvents.addAll(effects.listenerEvents());
        peer.appendResults.addAll(effects.appendResults());
        peer.wakeupAtMs = effects.wakeupAtMs();
        long highWatermark = peer.node.highWatermark();
        if (highWatermark != peer.highWatermarks.get(peer.highWatermarks.size() - 1)) {
            peer.highWatermarks.add(highWatermark);
        }
        if (effects.flush() && peer.autoFlush) {
            completeFlush(peer.id);
        }
        return effects;
    }

    // ---------------------------------------------------------------- helpers for assertions

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** A log's batches as comparable text: "base/epoch:[records]", control batches marked. */
    static List<String> describeBatches(List<Batch> batches) {
        return batches.stream()
                .map(b -> b.baseOffset() + "/" + b.epoch() + (b.control() ? " control"
                        : ":" + b.records().stream().map(ScenarioCluster::text).toList()))
                .toList();
    }
}
