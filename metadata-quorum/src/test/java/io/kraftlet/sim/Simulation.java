package io.kraftlet.sim;

import io.kraftlet.raft.ElectionState;
import io.kraftlet.raft.EpochState;
import io.kraftlet.raft.FollowerState;
import io.kraftlet.raft.LeaderState;
import io.kraftlet.raft.Outbound;
import io.kraftlet.raft.PlantedBug;
import io.kraftlet.raft.RaftConfig;
import io.kraftlet.raft.RaftEffects;
import io.kraftlet.raft.VoterSet;
import io.kraftlet.raft.message.Errors;
import io.kraftlet.raft.message.FetchRequest;
import io.kraftlet.raft.message.RaftMessage;
import io.kraftlet.raft.message.RaftResponse;
import io.kraftlet.raft.message.VoteRequest;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A whole quorum in one thread: voters and observers, a simulated clock, a network that drops,
 * delays, duplicates, reorders and partitions messages, disks that lose unflushed data on a
 * crash, pauses, a client appending records, and the invariant checker after every event.
 * Everything random comes from the schedule's seed, so a run is exactly repeatable.
 */
public final class Simulation {
    static final String CLUSTER_ID = "sim-cluster-0001";
    /** Small batches and chunks so that limits, chunking and snapshots are exercised. */
    static final RaftConfig CONFIG = new RaftConfig(1000, 2000, 1000, 20, 25, 2000, 500,
            8 * 1024, 4 * 1024, 16 * 1024, 512, 16, 32);
    /** A healed cluster must have a leader and answer every append within this. */
    static final long LIVENESS_WINDOW_MS = 12_000;
    /** Client appends stop this long before the end, so every one can be answered. */
    static final long DRAIN_MS = 4_000;
    public static final int MIN_EVENTS = 2_000;
    private static final int DEFAULT_MAX_DELAY_MS = 15;

    /** An action at a simulated time; {@code node} is null for cluster-wide events. */
    record Event(long atMs, long seq, SimNode node, Runnable action) {
    }

    private final Schedule schedule;
    private final Set<PlantedBug> bugs;
    private final Random random;
    private final List<SimNode> nodes = new ArrayList<>();
    private final VoterSet voterSet;
    private final PriorityQueue<Event> events = new PriorityQueue<>((a, b) -> a.atMs != b.atMs
            ? Long.compare(a.atMs, b.atMs) : Long.compare(a.seq, b.seq));
    private final InvariantChecker checker;
    private final SimNetwork network;
    private final SimClient client;
    private final SimTrace trace;
    private final SimulatedClock clock = new SimulatedClock();
    private long seq;
    private long eventCount;

    /** What a run established. */
    public record Result(long events, long checks, long committedOffsets, long committedAppends, long simulatedMs,
            int leaderEpoch, long messagesSent, long messagesDropped) {
    }

    public Simulation(Schedule schedule, Set<PlantedBug> bugs, Consumer<String> printer) {
        this.schedule = schedule;
        this.bugs = bugs.isEmpty() ? EnumSet.noneOf(PlantedBug.class) : EnumSet.copyOf(bugs);
        this.random = new Random(schedule.seed());
        this.trace = new SimTrace(this::nowMs, printer);
        List<Integer> voterIds = new ArrayList<>();
        for (int i = 1; i <= schedule.voters(); i++) {
            voterIds.add(i);
        }
        this.voterSet = new VoterSet(voterIds);
        this.checker = new InvariantChecker(this);
        for (int i = 1; i <= schedule.voters() + schedule.observers(); i++) {
            nodes.add(new SimNode(i, this));
        }
        this.network = new SimNetwork(this, new Random(schedule.seed() ^ 0x5DEECE66DL));
        this.client = new SimClient(this, new Random(schedule.seed() * 31 + 17));
    }

    /** Runs the schedule; throws {@link InvariantViolation} (with the trace) on a violation. */
    public Result run() {
        try {
            return runChecked();
        } catch (InvariantViolation violation) {
            throw withTrace(violation);
        } catch (RuntimeException crash) {
            InvariantViolation violation = new InvariantViolation("NoCrash", "the core threw " + crash);
            violation.initCause(crash);
            throw withTrace(violation);
        }
    }

    private Result runChecked() {
        for (SimNode node : nodes) {
            node.start();
        }
        for (FaultStep step : schedule.steps()) {
            if (step.atMs() < schedule.faultHorizonMs()) {
                schedule(step.atMs(), null, () -> applyFault(step));
            }
        }
        schedule(schedule.faultHorizonMs(), null, this::healEverything);
        client.start();
        long endMs = schedule.faultHorizonMs() + LIVENESS_WINDOW_MS;
        while (!events.isEmpty()) {
            Event event = events.peek();
            if (event.atMs() > endMs && eventCount >= MIN_EVENTS && client.stoppedAndDrained(event.atMs())) {
                break;
            }
            events.poll();
            clock.advanceTo(event.atMs());
            if (event.node() != null && event.node().paused) {
                event.node().held.add(event);
                continue;
            }
            eventCount++;
            event.action().run();
            checker.afterEvent();
        }
        checkLiveness();
        return new Result(eventCount, checker.checks(), checker.history().size(), client.committed(), nowMs(),
                leader().core.epoch(), network.sent(), network.dropped());
    }

    // ---------------------------------------------------------------- faults

    private void applyFault(FaultStep step) {
        SimNode node = nodes.get(Math.floorMod(step.node(), nodes.size()));
        SimNode peer = nodes.get(Math.floorMod(step.peer(), nodes.size()));
        trace("fault " + step.kind() + " node=" + node.id + " peer=" + peer.id + " amount=" + step.amount());
        switch (step.kind()) {
            case CRASH -> crash(node);
            case RESTART -> {
                if (!node.up()) {
                    node.start();
                }
            }
            case SHUTDOWN -> {
                if (node.up() && !node.paused) {
                    node.apply(node.core.shutdown(nowMs()));
                    schedule(nowMs() + 100, null, () -> {
                        if (node.up()) {
                            client.forget(node);
                            node.stopGracefully();
                            trace("node " + node.id + " stopped gracefully");
                        }
                    });
                    schedule(nowMs() + 100 + Math.max(1, step.amount()), null, () -> {
                        if (!node.up()) {
                            node.start();
                        }
                    });
                }
            }
            case PAUSE -> {
                if (node.up() && !node.paused) {
                    node.paused = true;
                    int incarnation = node.incarnation;
                    schedule(nowMs() + Math.max(1, step.amount()), null, () -> resume(node, incarnation));
                }
            }
            case PARTITION -> network.block(node.id, peer.id, true);
            case ONE_WAY -> network.block(node.id, peer.id, false);
            case ISOLATE -> network.isolate(node.id);
            case HEAL -> network.heal();
            case DROP -> network.setDropPerMille(Math.min(step.amount(), 400));
            case DUPLICATE -> network.setDuplicatePerMille(Math.min(step.amount(), 400));
            case DELAY -> network.setMaxDelayMs(Math.max(1, Math.min(step.amount(), 400)));
            case FOREIGN -> injectForeignMessages(node);
        }
    }

    private void crash(SimNode node) {
        if (node.up()) {
            client.forget(node);
            node.crash();
            trace("node " + node.id + " crashed; durable log end " + node.log.durableEndOffset());
        }
    }

    private void resume(SimNode node, int incarnation) {
        if (node.incarnation != incarnation || !node.paused) {
            return;
        }
        node.paused = false;
        for (Event held : node.held) {
            schedule(nowMs(), node, held.action());
        }
        node.held.clear();
    }

    private void healEverything() {
        trace("heal: every node up, every link working, no drops, duplicates or long delays");
        network.heal();
        network.setDropPerMille(0);
        network.setDuplicatePerMille(0);
        network.setMaxDelayMs(DEFAULT_MAX_DELAY_MS);
        for (SimNode node : nodes) {
            if (node.paused) {
                resume(node, node.incarnation);
            }
            if (!node.up()) {
                node.start();
            }
        }
    }

    /**
     * Identity fencing: requests from another cluster, and a vote request from a node outside
     * the voter set, must be refused with an error and change nothing.
     */
    private void injectForeignMessages(SimNode node) {
        if (!node.up() || node.paused) {
            return;
        }
        int epoch = node.core.epoch();
        int otherVoter = voterSet.ids().first();
        List<RaftMessage> foreign = List.of(
                new VoteRequest("another-cluster", -1, otherVoter, epoch + 5, epoch + 5, 1_000_000, false),
                new FetchRequest("another-cluster", -2, otherVoter, epoch, 0, 0, 0, 1024),
                new VoteRequest(CLUSTER_ID, -3, 999, epoch + 5, epoch + 5, 1_000_000, false));
        int[] senders = {otherVoter, otherVoter, 999};
        for (int i = 0; i < foreign.size(); i++) {
            EpochState before = node.core.state();
            ElectionState persistedBefore = node.persisted;
            RaftEffects effects = node.core.handleMessage(senders[i], foreign.get(i), nowMs());
            int sender = senders[i];
            long correlationId = foreign.get(i).correlationId();
            List<RaftMessage> answers = effects.messages().stream()
                    .filter(outbound -> outbound.destination() == sender
                            && outbound.message().correlationId() == correlationId)
                    .map(Outbound::message).toList();
            boolean refused = effects.electionState().isEmpty() && answers.size() == 1
                    && answers.get(0) instanceof RaftResponse response
                    && (response.error() == Errors.INCONSISTENT_CLUSTER_ID || response.error() == Errors.INCONSISTENT_VOTER_SET);
            if (!refused || node.core.state() != before || !node.persisted.equals(persistedBefore)) {
                throw new InvariantViolation("IdentityFencing", "node " + node.id + " accepted " + foreign.get(i)
                        + " with effects " + effects);
            }
            node.apply(effects);
        }
    }

    // ---------------------------------------------------------------- liveness

    private void checkLiveness() {
        SimNode leader = leader();
        for (SimNode node : nodes) {
            if (node == leader) {
                continue;
            }
            EpochState state = node.core.state();
            boolean follows = state instanceof FollowerState follower && follower.leaderId() == leader.id
                    && follower.epoch() == leader.core.epoch();
            if (!follows) {
                throw new InvariantViolation("Liveness", "after healing, node " + node.id + " is " + state
                        + " instead of following leader " + leader.id + " of epoch " + leader.core.epoch());
            }
            if (node.core.highWatermark() != leader.core.highWatermark()) {
                throw new InvariantViolation("Liveness", "after healing, node " + node.id + " has high watermark "
                        + node.core.highWatermark() + " but the leader has " + leader.core.highWatermark());
            }
        }
        client.checkEveryAppendAnswered(schedule.faultHorizonMs());
    }

    private SimNode leader() {
        SimNode leader = null;
        for (SimNode node : nodes) {
            if (!node.up()) {
                throw new InvariantViolation("Liveness", "node " + node.id + " is down after healing");
            }
            if (node.core.state() instanceof LeaderState) {
                if (leader != null) {
                    throw new InvariantViolation("Liveness", "nodes " + leader.id + " and " + node.id
                            + " both lead at the end");
                }
                leader = node;
            }
        }
        if (leader == null) {
            throw new InvariantViolation("Liveness", "no leader " + LIVENESS_WINDOW_MS + "ms after healing: " + nodes);
        }
        return leader;
    }

    // ---------------------------------------------------------------- plumbing

    void schedule(long atMs, SimNode node, Runnable action) {
        events.add(new Event(atMs, seq++, node, action));
    }

    void trace(String line) {
        trace.add(line);
    }

    private InvariantViolation withTrace(InvariantViolation violation) {
        return trace.report(violation, schedule.encode(), schedule.replayCommand(), nodes);
    }

    long nowMs() {
        return clock.nowMs();
    }

    long eventCount() {
        return eventCount;
    }

    Random random() {
        return random;
    }

    Schedule schedule() {
        return schedule;
    }

    Set<PlantedBug> bugs() {
        return bugs;
    }

    InvariantChecker checker() {
        return checker;
    }

    SimNetwork network() {
        return network;
    }

    SimClient client() {
        return client;
    }

    VoterSet voterSet() {
        return voterSet;
    }

    int voterCount() {
        return voterSet.size();
    }

    List<SimNode> nodes() {
        return nodes;
    }

    List<SimNode> voters() {
        return nodes.subList(0, voterSet.size());
    }

    SimNode node(int id) {
        return id >= 1 && id <= nodes.size() ? nodes.get(id - 1) : null;
    }
}
