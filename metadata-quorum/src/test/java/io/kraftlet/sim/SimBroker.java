package io.kraftlet.sim;

import io.kraftlet.broker.BrokerLifecycle;
import io.kraftlet.controller.ControllerApi;
import io.kraftlet.controller.NotControllerException;
import io.kraftlet.image.BrokerRegistration;
import io.kraftlet.image.MetadataImage;
import io.kraftlet.image.PartitionRegistration;
import io.kraftlet.image.TopicImage;
import io.kraftlet.metadata.Endpoint;
import io.kraftlet.metadata.LeaderRecoveryState;
import io.kraftlet.raft.AppendResult;
import io.kraftlet.raft.LeaderAndEpoch;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

/**
 * A simulated broker: a Raft observer following the metadata log with its loader, a
 * {@link BrokerLifecycle} that registers and heartbeats to the active controller, and a leader
 * agent that now and then proposes ISR changes (AlterPartition) for partitions it leads in its
 * own image, with the epochs that image holds. Requests go to the controller it believes
 * active: the quorum leader as its observer knows it, else the last NOT_CONTROLLER hint, else
 * the controllers in turn; a request without answer fails after {@link #RPC_TIMEOUT_MS}.
 *
 * <p>A crash restarts it with a new incarnation id and previous broker epoch -1; a clean
 * shutdown (controlled shutdown first) restarts it with the epoch it had.
 *
 * <p>When the simulation has an {@link ControllerSimulation.Extension}, each incarnation runs the
 * extension's {@link Plugin} (images, lifecycle changes and unknown messages go to it) and the
 * leader agent stays off: the plug-in proposes the ISR changes.
 */
final class SimBroker extends MetadataSimNode {
    /**
     * What a test runs inside one broker incarnation (the replication simulation's replica
     * manager). Called on the simulation's one thread; it must not stop or start the broker.
     */
    interface Plugin {
        /** A new image was published to this broker. */
        void onImage(MetadataImage image);

        /** The lifecycle was polled (its state or broker epoch may have changed). */
        void onLifecycle();

        /** A message that is not an answer to the broker's own controller requests; false if unknown. */
        boolean receive(int from, Object message);

        /** The incarnation ends: {@code powerCut} loses unflushed data, else everything is flushed first. */
        void onStop(boolean powerCut);
    }

    static final int HEARTBEAT_INTERVAL_MS = 500;
    static final int RETRY_BACKOFF_MS = 100;
    static final int RPC_TIMEOUT_MS = 1000;
    /**
     * A controlled shutdown that does not finish in this long stops the broker anyway (still
     * cleanly). Longer than a run: a broker waits for the controller (Kafka's waits minutes),
     * so one that is never let go is still shutting down at the end, a liveness failure.
     */
    static final int CONTROLLED_SHUTDOWN_TIMEOUT_MS = 120_000;
    private static final int AGENT_MIN_INTERVAL_MS = 200;
    private static final int AGENT_JITTER_MS = 800;

    private final Random random;
    BrokerLifecycle lifecycle;
    UUID incarnationId;
    /** The epoch this broker had when it last stopped cleanly, else -1. */
    long previousBrokerEpoch = -1;
    private int targetController;
    private long lifecycleRequestId = -1;
    private long alterPartitionRequestId = -1;
    private long nextLifecycleWakeupMs = Long.MAX_VALUE;
    private boolean stopping;
    private int restartDelayMs;
    private BrokerLifecycle.State lastState;
    /** The extension's plug-in of this incarnation, or null. */
    Plugin plugin;
    private boolean poweringOff;

    SimBroker(int id, ControllerSimulation sim) {
        super(id, sim);
        this.random = new Random(sim.schedule().seed() * 17 + id * 104_729L);
    }

    @Override
    void start() {
        incarnationId = new UUID(random.nextLong(), random.nextLong());
        lifecycle = new BrokerLifecycle(id, incarnationId, List.of(new Endpoint("PLAINTEXT", "broker-" + id, 9092)), "",
                previousBrokerEpoch, HEARTBEAT_INTERVAL_MS, RETRY_BACKOFF_MS, sim.nowMs());
        targetController = 1 + random.nextInt(sim.voterCount());
        lifecycleRequestId = -1;
        alterPartitionRequestId = -1;
        nextLifecycleWakeupMs = Long.MAX_VALUE;
        stopping = false;
        lastState = null;
        sim.trace(name() + " starts, incarnation " + shortId(incarnationId) + ", previous epoch " + previousBrokerEpoch);
        ControllerSimulation.Extension extension = sim.extension();
        plugin = extension == null ? null : extension.brokerStarting(this);
        poweringOff = false;
        startRaft();
        pollLifecycle();
        if (extension == null) {
            // With an extension, its replica managers propose the ISR changes instead of the agent.
            scheduleAgent();
        }
    }

    @Override
    void onImage(MetadataImage image, boolean fromSnapshot) {
        lifecycle.setMetadataOffset(image.endOffset());
        if (plugin != null) {
            plugin.onImage(image);
        }
    }

    @Override
    void onLeaderChange(LeaderAndEpoch leader) {
        leader.leaderId().ifPresent(leaderId -> targetController = leaderId);
    }

    @Override
    void onAppendResult(AppendResult result) {
        throw new IllegalStateException(name() + " never appends, but got " + result);
    }

    @Override
    void drainCore() {
        // The broker's lifecycle is driven by its own timer and answers, not by Raft steps.
    }

    @Override
    void onStop() {
        if (plugin != null) {
            plugin.onStop(poweringOff);
            plugin = null;
        }
        lifecycleRequestId = -1;
        alterPartitionRequestId = -1;
        nextLifecycleWakeupMs = Long.MAX_VALUE;
    }

    // ---------------------------------------------------------------- lifecycle

    private void pollLifecycle() {
        if (!up()) {
            return;
        }
        if (lifecycle.state() != lastState) {
            lastState = lifecycle.state();
            sim.trace(name() + " is " + lastState + " (epoch " + lifecycle.brokerEpoch() + ")");
        }
        if (lifecycle.state() == BrokerLifecycle.State.SHUTDOWN_NOW) {
            int stopIncarnation = incarnation;
            sim.schedule(sim.nowMs(), this, () -> stopAfterShutdown(stopIncarnation));
            return;
        }
        Optional<Object> request = lifecycle.poll(sim.nowMs());
        if (request.isPresent()) {
            long requestId = sim.nextRequestId();
            lifecycleRequestId = requestId;
            send(requestId, request.get(), () -> {
                if (lifecycleRequestId == requestId) {
                    lifecycleRequestId = -1;
                    nextController();
                    lifecycle.handleRequestFailed(sim.nowMs());
                    pollLifecycle();
                }
            });
        }
        armLifecycleWakeup(lifecycle.nextWakeupMs());
        if (plugin != null) {
            plugin.onLifecycle();
        }
    }

    private void armLifecycleWakeup(long wakeupAtMs) {
        if (wakeupAtMs >= nextLifecycleWakeupMs) {
            return;
        }
        nextLifecycleWakeupMs = wakeupAtMs;
        long at = Math.max(wakeupAtMs, sim.nowMs());
        int wakeIncarnation = incarnation;
        sim.schedule(at, this, () -> {
            if (up() && incarnation == wakeIncarnation && nextLifecycleWakeupMs == wakeupAtMs) {
                nextLifecycleWakeupMs = Long.MAX_VALUE;
                pollLifecycle();
            }
        });
    }

    /** Sends a plug-in's request to the controller this broker believes active; its answer goes to the plug-in. */
    void sendToController(long requestId, Object body, Runnable onTimeout) {
        send(requestId, body, onTimeout);
    }

    private void send(long requestId, Object body, Runnable onTimeout) {
        sim.network().send(id, targetController, new ControllerSimNetwork.RpcRequest(requestId, body));
        int sendIncarnation = incarnation;
        sim.schedule(sim.nowMs() + RPC_TIMEOUT_MS, this, () -> {
            if (up() && incarnation == sendIncarnation) {
                onTimeout.run();
            }
        });
    }

    @Override
    void receiveRpc(int from, Object message) {
        if (!(message instanceof ControllerSimNetwork.RpcReply reply)) {
            if (plugin != null && plugin.receive(from, message)) {
                return;
            }
            throw new IllegalStateException(name() + " got " + message);
        }
        if (reply.requestId() == lifecycleRequestId) {
            lifecycleRequestId = -1;
            long now = sim.nowMs();
            if (reply.failure() != null) {
                followHint(reply.failure());
                lifecycle.handleRequestFailed(now);
            } else if (reply.response() instanceof ControllerApi.BrokerRegistrationReply registration) {
                if (!registration.error().isSuccess()) {
                    sim.trace(name() + " registration refused: " + registration.error().error());
                }
                lifecycle.handleRegistrationReply(registration, now);
            } else {
                lifecycle.handleHeartbeatReply((ControllerApi.BrokerHeartbeatReply) reply.response(), now);
            }
            pollLifecycle();
        } else if (reply.requestId() == alterPartitionRequestId) {
            alterPartitionRequestId = -1;
            if (reply.failure() != null) {
                followHint(reply.failure());
            } else {
                sim.checker().onAlterPartitionReply((ControllerApi.AlterPartitionReply) reply.response());
            }
        } else if (plugin != null) {
            plugin.receive(from, reply);
        }
    }

    /** After a controller answered NOT_CONTROLLER (or nothing): whom to ask next. */
    void followHint(RuntimeException failure) {
        int hinted = failure instanceof NotControllerException notController
                ? notController.activeController().controllerId() : -1;
        if (hinted >= 1 && hinted <= sim.voterCount()) {
            targetController = hinted;
        } else {
            nextController();
        }
    }

    private void nextController() {
        targetController = targetController % sim.voterCount() + 1;
    }

    // ---------------------------------------------------------------- stopping

    /** Controlled shutdown, then a clean stop, then a restart {@code restartDelayMs} later. */
    void beginShutdown(int restartAfterMs) {
        if (!up() || paused || stopping) {
            return;
        }
        stopping = true;
        restartDelayMs = restartAfterMs;
        sim.trace(name() + " begins a controlled shutdown");
        lifecycle.beginControlledShutdown(sim.nowMs());
        int stopIncarnation = incarnation;
        sim.schedule(sim.nowMs() + CONTROLLED_SHUTDOWN_TIMEOUT_MS, this, () -> stopAfterShutdown(stopIncarnation));
        pollLifecycle();
    }

    private void stopAfterShutdown(int stopIncarnation) {
        if (!up() || incarnation != stopIncarnation) {
            return;
        }
        previousBrokerEpoch = lifecycle.brokerEpoch();
        sim.trace(name() + " stops cleanly (" + lifecycle.state() + ", epoch " + previousBrokerEpoch + ")");
        stopGracefully();
        sim.schedule(sim.nowMs() + Math.max(1, restartDelayMs), null, () -> {
            if (!up()) {
                start();
            }
        });
    }

    /** A crash of a running broker: it comes back as a new incarnation that lost its unflushed data. */
    void powerCut() {
        previousBrokerEpoch = -1;
        poweringOff = true;
        crash();
    }

    // ---------------------------------------------------------------- leader agent

    private void scheduleAgent() {
        int agentIncarnation = incarnation;
        sim.schedule(sim.nowMs() + AGENT_MIN_INTERVAL_MS + random.nextInt(AGENT_JITTER_MS), this, () -> {
            if (up() && incarnation == agentIncarnation) {
                maybeAlterPartition();
                scheduleAgent();
            }
        });
    }

    /**
     * Now and then, for one partition this broker leads in its own image (sometimes two, in one
     * request): shrink the ISR by a follower, or expand it by a replica its image says is
     * active, or (RECOVERING) report the recovery done, with the leader and partition epochs of
     * its image. Under faults those epochs are often stale: the controller must refuse them.
     */
    private void maybeAlterPartition() {
        if (alterPartitionRequestId != -1 || lifecycle.state() != BrokerLifecycle.State.RUNNING
                || random.nextInt(100) >= 50) {
            return;
        }
        MetadataImage image = loader.image();
        List<TopicImage> topics = new ArrayList<>(image.topics().byId().values());
        topics.sort(Comparator.comparing(TopicImage::name));
        List<int[]> led = new ArrayList<>();
        for (int t = 0; t < topics.size(); t++) {
            for (int p = 0; p < topics.get(t).partitionCount(); p++) {
                if (topics.get(t).partition(p).leader() == id) {
                    led.add(new int[] {t, p});
                }
            }
        }
        int wanted = random.nextInt(100) < 25 ? 2 : 1;
        List<ControllerApi.PartitionChangeProposal> proposals = new ArrayList<>();
        StringBuilder what = new StringBuilder();
        while (proposals.size() < wanted && !led.isEmpty()) {
            int[] choice = led.remove(random.nextInt(led.size()));
            TopicImage topic = topics.get(choice[0]);
            proposal(image, topic, choice[1], what).ifPresent(proposals::add);
        }
        if (proposals.isEmpty()) {
            return;
        }
        long requestId = sim.nextRequestId();
        alterPartitionRequestId = requestId;
        sim.checker().onAlterPartitionSent();
        sim.trace(name() + " AlterPartition" + what);
        send(requestId, new ControllerApi.AlterPartitionRequest(id, lifecycle.brokerEpoch(), proposals), () -> {
            if (alterPartitionRequestId == requestId) {
                alterPartitionRequestId = -1;
                nextController();
            }
        });
    }

    private Optional<ControllerApi.PartitionChangeProposal> proposal(MetadataImage image, TopicImage topic,
            int partitionId, StringBuilder what) {
        PartitionRegistration partition = topic.partition(partitionId);
        List<Integer> isr = new ArrayList<>(partition.isr());
        String change;
        if (partition.leaderRecoveryState() == LeaderRecoveryState.RECOVERING) {
            isr = new ArrayList<>(List.of(id));
            change = "recovered";
        } else {
            List<Integer> addable = partition.replicas().stream()
                    .filter(replica -> !partition.inIsr(replica) && image.cluster().isActive(replica)).toList();
            boolean shrink = isr.size() > 1 && (addable.isEmpty() || random.nextBoolean());
            if (shrink) {
                List<Integer> followers = isr.stream().filter(member -> member != id).toList();
                isr.remove(followers.get(random.nextInt(followers.size())));
                change = "shrink";
            } else if (!addable.isEmpty()) {
                isr.add(addable.get(random.nextInt(addable.size())));
                change = "expand";
            } else {
                return Optional.empty();
            }
        }
        List<ControllerApi.BrokerState> members = new ArrayList<>();
        for (int member : isr) {
            BrokerRegistration broker = image.cluster().broker(member);
            members.add(new ControllerApi.BrokerState(member, broker == null ? -1 : broker.epoch()));
        }
        what.append(' ').append(change).append(' ').append(topic.name()).append('-').append(partitionId).append(" to ")
                .append(isr).append(" at epochs ").append(partition.leaderEpoch()).append('/')
                .append(partition.partitionEpoch());
        return Optional.of(new ControllerApi.PartitionChangeProposal(topic.id(), partitionId, partition.leaderEpoch(),
                partition.partitionEpoch(), members, LeaderRecoveryState.RECOVERED));
    }

    static String shortId(UUID uuid) {
        return uuid.toString().substring(0, 8);
    }

    @Override
    String name() {
        return "broker " + id;
    }

    @Override
    public String toString() {
        return super.toString() + (up() ? " " + lifecycle.state() + " epoch=" + lifecycle.brokerEpoch() : "");
    }
}
