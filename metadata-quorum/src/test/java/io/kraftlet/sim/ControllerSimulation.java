package io.kraftlet.sim;

import io.kraftlet.controller.ControllerConfig;
import io.kraftlet.controller.ControllerPlantedBug;
import io.kraftlet.image.BrokerRegistration;
import io.kraftlet.image.MetadataImage;
import io.kraftlet.image.PartitionRegistration;
import io.kraftlet.image.TopicImage;
import io.kraftlet.broker.BrokerLifecycle;
import io.kraftlet.raft.LeaderState;
import io.kraftlet.raft.RaftConfig;
import io.kraftlet.raft.VoterSet;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A whole KRaft-style cluster in one thread: 1-5 controllers (Raft voters, each with a metadata
 * loader and a {@link io.kraftlet.controller.QuorumController}) and 2-5 brokers (Raft observers
 * following the metadata log, each with a loader, a {@link BrokerLifecycle} and a leader agent
 * proposing ISR changes), an admin client, a simulated clock, and a network that drops, delays,
 * duplicates (Raft messages only), reorders and partitions messages. Controllers and brokers
 * crash (losing unflushed log data; a broker comes back as a new incarnation), stop cleanly (a
 * broker after a controlled shutdown), pause and get cut off. The
 * {@link ControllerInvariantChecker} checks the Controller invariants of DESIGN §6 after every
 * event; once the faults heal, liveness is judged. Everything random comes from the schedule's
 * seed, so a run is exactly repeatable.
 */
public final class ControllerSimulation {
    /** Short Raft timeouts; batches large enough for a topic's records. */
    static final RaftConfig RAFT_CONFIG = new RaftConfig(1000, 2000, 1000, 20, 25, 2000, 500,
            32 * 1024, 16 * 1024, 64 * 1024, 2048, 16, 32);
    /** Session 3 s, heartbeat 500 ms, leader rebalance every 5 s; appends well under the Raft batch limit. */
    static final ControllerConfig CONTROLLER_CONFIG = ControllerConfig.DEFAULT
            .withSessionTimeout(3000, SimBroker.HEARTBEAT_INTERVAL_MS)
            .withRebalance(true, 5000)
            .withAppendLimits(8 * 1024, 32 * 1024);
    /** A healed cluster must have settled and answered everything within this. */
    static final long LIVENESS_WINDOW_MS = 20_000;
    /** After healing, this long for elections, session expiries and re-registrations. */
    static final long SETTLE_MS = 8_000;
    /** The workload stops this long before the end, so every request can be answered. */
    static final long DRAIN_MS = 4_000;
    static final int DEFAULT_MAX_DELAY_MS = 15;
    /** More events than this at one simulated millisecond means something spins without letting time pass. */
    private static final int MAX_EVENTS_PER_MS = 100_000;

    /** An action at a simulated time; {@code node} (null for cluster-wide events) holds it while paused. */
    record Event(long atMs, long seq, MetadataSimNode node, Runnable action) {
    }

    /**
     * What a test adds to the cluster (the replication simulation's brokers and clients): a
     * plug-in per broker incarnation, endpoints of its own, checks after every event and at the
     * end. Without one the simulation runs exactly as before for the same seed.
     */
    interface Extension {
        /** A plug-in for a broker incarnation that is starting; null for none. */
        SimBroker.Plugin brokerStarting(SimBroker broker);

        /** Whether the random admin workload runs (it elects uncleanly and deletes topics at random). */
        boolean adminWorkload();

        /** Called once the nodes have started, to schedule the extension's own work. */
        void start();

        /** The extension's own network endpoint with this id, or null. */
        ControllerSimNetwork.Endpoint endpoint(int id);

        /** After every event, after the controller checks. */
        void afterEvent();

        /** After the controller liveness checks at the end of a run. */
        void atEnd();
    }

    /** What a run established. */
    public record Result(long events, long checks, long imagesChecked, long committedOffsets,
            long partitionChangesChecked, long elections, long uncleanElections, long preferredElections,
            long adminRequests, long adminAnswered, long adminSucceeded, long alterPartitionsSent,
            long alterPartitionsAccepted, long alterPartitionsRefusedByOracle, long simulatedMs, long messagesSent,
            long messagesDropped) {
    }

    private final ControllerSchedule schedule;
    private final Set<ControllerPlantedBug> bugs;
    private final Random random;
    private final List<MetadataSimNode> nodes = new ArrayList<>();
    private final List<SimController> controllers = new ArrayList<>();
    private final List<SimBroker> brokers = new ArrayList<>();
    private final VoterSet voterSet;
    private final PriorityQueue<Event> events = new PriorityQueue<>((a, b) -> a.atMs != b.atMs
            ? Long.compare(a.atMs, b.atMs) : Long.compare(a.seq, b.seq));
    private final ControllerInvariantChecker checker;
    private final ControllerSimNetwork network;
    private final AdminWorkload admin;
    private final SimTrace trace;
    private final SimulatedClock clock = new SimulatedClock();
    private final Extension extension;
    private long seq;
    private long eventCount;
    private long nextRequestId = 1;
    /** How many times every cut was healed at once; a cut ending later must not undo a newer one. */
    private long cutsHealed;

    public ControllerSimulation(ControllerSchedule schedule, Set<ControllerPlantedBug> bugs, Consumer<String> printer) {
        this(schedule, bugs, printer, null);
    }

    /** With an {@link Extension}, made once the cluster exists (before anything runs). */
    ControllerSimulation(ControllerSchedule schedule, Set<ControllerPlantedBug> bugs, Consumer<String> printer,
            Function<ControllerSimulation, Extension> extensionFactory) {
        this.schedule = schedule;
        this.bugs = bugs.isEmpty() ? EnumSet.noneOf(ControllerPlantedBug.class) : EnumSet.copyOf(bugs);
        this.random = new Random(schedule.seed());
        this.trace = new SimTrace(this::nowMs, printer);
        List<Integer> voterIds = new ArrayList<>();
        for (int i = 1; i <= schedule.controllers(); i++) {
            voterIds.add(i);
        }
        this.voterSet = new VoterSet(voterIds);
        this.checker = new ControllerInvariantChecker(this);
        for (int i = 1; i <= schedule.controllers(); i++) {
            SimController controller = new SimController(i, this);
            controllers.add(controller);
            nodes.add(controller);
        }
        for (int i = 1; i <= schedule.brokers(); i++) {
            SimBroker broker = new SimBroker(schedule.controllers() + i, this);
            brokers.add(broker);
            nodes.add(broker);
        }
        this.network = new ControllerSimNetwork(this, new Random(schedule.seed() ^ 0x5DEECE66DL));
        this.admin = new AdminWorkload(this, new Random(schedule.seed() * 31 + 17));
        this.extension = extensionFactory == null ? null : extensionFactory.apply(this);
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
        for (MetadataSimNode node : nodes) {
            node.start();
        }
        for (FaultStep step : schedule.steps()) {
            if (step.atMs() < schedule.faultHorizonMs()) {
                schedule(step.atMs(), null, () -> applyFault(step));
            }
        }
        schedule(schedule.faultHorizonMs(), null, this::healEverything);
        if (extension == null || extension.adminWorkload()) {
            admin.start();
        }
        if (extension != null) {
            extension.start();
        }
        long endMs = endMs();
        long currentMs = -1;
        int eventsThisMs = 0;
        while (!events.isEmpty()) {
            Event event = events.peek();
            if (event.atMs() > endMs) {
                break;
            }
            events.poll();
            clock.advanceTo(event.atMs());
            if (event.atMs() != currentMs) {
                currentMs = event.atMs();
                eventsThisMs = 0;
            } else if (++eventsThisMs > MAX_EVENTS_PER_MS) {
                throw new InvariantViolation("Liveness", "more than " + MAX_EVENTS_PER_MS + " events at " + currentMs
                        + "ms: something spins without letting time pass");
            }
            if (event.node() != null && event.node().paused) {
                event.node().held.add(event);
                continue;
            }
            eventCount++;
            event.action().run();
            checker.afterEvent(nodes);
            if (extension != null) {
                extension.afterEvent();
            }
        }
        checkLiveness();
        if (extension != null) {
            extension.atEnd();
        }
        return new Result(eventCount, checker.checks(), checker.imagesChecked(), checker.committedEndOffset(),
                checker.partitionChangesChecked(), checker.elections(), checker.uncleanElections(),
                checker.preferredElections(), admin.sent(), admin.answered(), admin.succeeded(),
                checker.alterPartitionsSent(), checker.alterPartitionsAccepted(), checker.alterPartitionsRefusedByOracle(),
                nowMs(), network.sent(), network.dropped());
    }

    // ---------------------------------------------------------------- faults

    private void applyFault(FaultStep step) {
        MetadataSimNode node = nodes.get(schedule.nodeIndex(step.node()));
        MetadataSimNode peer = nodes.get(schedule.nodeIndex(step.peer()));
        trace("fault " + step.kind() + " " + node.name() + " peer=" + peer.name() + " amount=" + step.amount());
        switch (step.kind()) {
            case CRASH -> crash(node);
            case RESTART -> {
                if (!node.up()) {
                    node.start();
                }
            }
            case SHUTDOWN -> shutdown(node, step.amount());
            case PAUSE -> {
                if (node.up() && !node.paused) {
                    node.paused = true;
                    int incarnation = node.incarnation;
                    schedule(nowMs() + Math.max(1, step.amount()), null, () -> resume(node, incarnation));
                }
            }
            case PARTITION -> cut(() -> network.block(node.id, peer.id, true),
                    () -> network.unblock(node.id, peer.id, true), step.amount());
            case ONE_WAY -> cut(() -> network.block(node.id, peer.id, false),
                    () -> network.unblock(node.id, peer.id, false), step.amount());
            case ISOLATE -> cut(() -> network.isolate(node.id), () -> network.unisolate(node.id), step.amount());
            case HEAL -> {
                network.heal();
                cutsHealed++;
            }
            case DROP -> network.setDropPerMille(Math.min(step.amount(), 400));
            case DUPLICATE -> network.setDuplicatePerMille(Math.min(step.amount(), 400));
            case DELAY -> network.setMaxDelayMs(Math.max(1, Math.min(step.amount(), 400)));
            case FOREIGN -> trace("FOREIGN is the quorum simulation's fault; ignored here");
        }
    }

    /**
     * A network cut that lasts {@code amount} ms (unless a HEAL ends every cut first): cuts
     * come and go, so the cluster works between them instead of staying cut off until the
     * faults end.
     */
    private void cut(Runnable begin, Runnable end, int amountMs) {
        begin.run();
        long healsBefore = cutsHealed;
        schedule(nowMs() + Math.max(1, amountMs), null, () -> {
            if (cutsHealed == healsBefore) {
                end.run();
            }
        });
    }

    private void crash(MetadataSimNode node) {
        if (!node.up()) {
            return;
        }
        if (node instanceof SimBroker broker) {
            broker.powerCut();
        } else {
            node.crash();
        }
        trace(node.name() + " crashed; durable log end " + node.log.durableEndOffset());
    }

    private void shutdown(MetadataSimNode node, int restartAfterMs) {
        if (!node.up() || node.paused) {
            return;
        }
        if (node instanceof SimBroker broker) {
            broker.beginShutdown(restartAfterMs);
            return;
        }
        node.apply(node.raft.shutdown(nowMs()));
        int incarnation = node.incarnation;
        schedule(nowMs() + 100, null, () -> {
            if (node.up() && node.incarnation == incarnation) {
                node.stopGracefully();
                trace(node.name() + " stopped gracefully");
                schedule(nowMs() + Math.max(1, restartAfterMs), null, () -> {
                    if (!node.up()) {
                        node.start();
                    }
                });
            }
        });
    }

    private void resume(MetadataSimNode node, int incarnation) {
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
        cutsHealed++;
        network.setDropPerMille(0);
        network.setDuplicatePerMille(0);
        network.setMaxDelayMs(DEFAULT_MAX_DELAY_MS);
        for (MetadataSimNode node : nodes) {
            if (node.paused) {
                resume(node, node.incarnation);
            }
            if (!node.up()) {
                node.start();
            }
        }
    }

    // ---------------------------------------------------------------- liveness

    private void checkLiveness() {
        SimController active = activeController();
        MetadataImage image = active.controller.committedImage();
        for (SimBroker broker : brokers) {
            if (!broker.up()) {
                throw new InvariantViolation("Liveness", broker.name() + " is down after healing");
            }
            BrokerRegistration registration = image.cluster().broker(broker.id);
            if (broker.lifecycle.state() != BrokerLifecycle.State.RUNNING || registration == null
                    || !registration.incarnationId().equals(broker.incarnationId)
                    || registration.epoch() != broker.lifecycle.brokerEpoch() || !registration.isActive()) {
                throw new InvariantViolation("Liveness", LIVENESS_WINDOW_MS + "ms after healing " + broker
                        + " (last error " + broker.lifecycle.lastError() + ") is not registered and unfenced: the active "
                        + "controller has " + registration);
            }
        }
        for (TopicImage topic : image.topics().byId().values()) {
            for (int p = 0; p < topic.partitionCount(); p++) {
                PartitionRegistration partition = topic.partition(p);
                boolean liveReplica = partition.replicas().stream().anyMatch(image.cluster()::isActive);
                if (liveReplica && !partition.hasLeader()) {
                    throw new InvariantViolation("Liveness", "after healing " + topic.name() + "-" + p
                            + " has live replicas but no leader: " + partition);
                }
            }
        }
        if (extension == null || extension.adminWorkload()) {
            admin.checkAnswered();
        }
        checker.checkEveryRequestAnswered(nowMs() - DRAIN_MS);
    }

    private SimController activeController() {
        SimController active = null;
        for (SimController node : controllers) {
            if (!node.up()) {
                throw new InvariantViolation("Liveness", node.name() + " is down after healing");
            }
            if (node.controller.isActive()) {
                if (active != null) {
                    throw new InvariantViolation("Liveness", active.name() + " and " + node.name()
                            + " are both active at the end");
                }
                active = node;
            }
        }
        if (active == null) {
            throw new InvariantViolation("Liveness", "no active controller " + LIVENESS_WINDOW_MS + "ms after healing: "
                    + controllers);
        }
        if (!(active.raft.state() instanceof LeaderState)) {
            throw new InvariantViolation("Liveness", active.name() + " is active but not the Raft leader: " + active);
        }
        return active;
    }

    // ---------------------------------------------------------------- plumbing

    void schedule(long atMs, MetadataSimNode node, Runnable action) {
        events.add(new Event(atMs, seq++, node, action));
    }

    void trace(String line) {
        trace.add(line);
    }

    private InvariantViolation withTrace(InvariantViolation violation) {
        String replay = schedule.replayCommand();
        if (!bugs.isEmpty()) {
            replay += " -Dkraftlet.sim.controller.bugs=" + String.join(",", bugs.stream().map(Enum::name).toList());
        }
        return trace.report(violation, schedule.encode(), replay, nodes);
    }

    long nowMs() {
        return clock.nowMs();
    }

    long nextRequestId() {
        return nextRequestId++;
    }

    /** When the admin workload stops, so every request can be answered before the end. */
    long workloadStopMs() {
        return schedule.faultHorizonMs() + LIVENESS_WINDOW_MS - DRAIN_MS;
    }

    /** From here on the healed cluster must answer every admin request. */
    long settledMs() {
        return schedule.faultHorizonMs() + SETTLE_MS;
    }

    ControllerSimNetwork.Endpoint endpoint(int id) {
        if (id == AdminWorkload.ID) {
            return admin;
        }
        if (extension != null && id > nodes.size()) {
            return extension.endpoint(id);
        }
        return id >= 1 && id <= nodes.size() ? nodes.get(id - 1) : null;
    }

    Extension extension() {
        return extension;
    }

    List<SimBroker> brokers() {
        return brokers;
    }

    List<SimController> controllers() {
        return controllers;
    }

    /** When the run ends: the fault horizon plus the liveness window. */
    long endMs() {
        return schedule.faultHorizonMs() + LIVENESS_WINDOW_MS;
    }

    Random random() {
        return random;
    }

    ControllerSchedule schedule() {
        return schedule;
    }

    Set<ControllerPlantedBug> bugs() {
        return bugs;
    }

    ControllerInvariantChecker checker() {
        return checker;
    }

    ControllerSimNetwork network() {
        return network;
    }

    VoterSet voterSet() {
        return voterSet;
    }

    int voterCount() {
        return voterSet.size();
    }
}
