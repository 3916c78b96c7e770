package io.kraftlet.sim;

import io.kraftlet.codec.MetadataRecordCodec;
import io.kraftlet.controller.ControllerApi;
import io.kraftlet.controller.ControllerEffects;
import io.kraftlet.controller.QuorumController;
import io.kraftlet.image.MetadataImage;
import io.kraftlet.metadata.MetadataRecord;
import io.kraftlet.raft.AppendResult;
import io.kraftlet.raft.LeaderAndEpoch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A simulated controller node: a Raft voter, its metadata loader and a {@link QuorumController},
 * wired as a real node wires them. Committed images go to
 * {@link QuorumController#handleCommittedImage}, loaded snapshots to
 * {@link QuorumController#handleLoadSnapshot}, leader changes to
 * {@link QuorumController#handleLeaderChange}; the controller's appends go to
 * {@link io.kraftlet.raft.RaftNode#append} and every {@link AppendResult} comes back through
 * {@link QuorumController#handleAppendResult} (COMMITTED with its last offset; any other
 * status is a failure). RPCs from brokers and the admin client are answered over the network.
 */
final class SimController extends MetadataSimNode {
    QuorumController controller;
    private long nextControllerWakeupMs = Long.MAX_VALUE;
    /** Who sent each request this incarnation has not answered yet. */
    private final Map<Long, Integer> requesters = new HashMap<>();
    private boolean wasActive;

    SimController(int id, ControllerSimulation sim) {
        super(id, sim);
    }

    @Override
    void start() {
        controller = new QuorumController(id, ControllerSimulation.CONTROLLER_CONFIG, MetadataRecordCodec::sizeOf,
                new Random(sim.schedule().seed() * 31 + id * 1009L + incarnation), sim.bugs());
        nextControllerWakeupMs = Long.MAX_VALUE;
        wasActive = false;
        requesters.clear();
        startRaft();
    }

    @Override
    void onImage(MetadataImage image, boolean fromSnapshot) {
        if (fromSnapshot) {
            controller.handleLoadSnapshot(image, sim.nowMs());
        } else {
            controller.handleCommittedImage(image, sim.nowMs());
        }
    }

    @Override
    void onLeaderChange(LeaderAndEpoch leader) {
        controller.handleLeaderChange(leader, sim.nowMs());
    }

    @Override
    void onAppendResult(AppendResult result) {
        controller.handleAppendResult(result.requestId(), result.status() == AppendResult.Status.COMMITTED,
                result.lastOffset(), sim.nowMs());
    }

    @Override
    void drainCore() {
        perform(controller.drainEffects());
    }

    @Override
    void onStop() {
        sim.checker().onControllerStopped(this);
        requesters.clear();
        controller = null;
        nextControllerWakeupMs = Long.MAX_VALUE;
    }

    @Override
    void receiveRpc(int from, Object message) {
        if (!(message instanceof ControllerSimNetwork.RpcRequest request)) {
            throw new IllegalStateException(name() + " got " + message);
        }
        long requestId = request.requestId();
        long now = sim.nowMs();
        requesters.put(requestId, from);
        sim.checker().onRequest(this, requestId);
        MetadataImage before = controller.latestImage();
        boolean activeBefore = controller.isActive();
        Object body = request.body();
        if (body instanceof ControllerApi.BrokerRegistrationRequest r) {
            controller.registerBroker(requestId, r, now);
        } else if (body instanceof ControllerApi.BrokerHeartbeatRequest r) {
            controller.brokerHeartbeat(requestId, r, now);
        } else if (body instanceof ControllerApi.AlterPartitionRequest r) {
            controller.alterPartition(requestId, r, now);
        } else if (body instanceof ControllerApi.CreateTopicsRequest r) {
            controller.createTopics(requestId, r, now);
        } else if (body instanceof ControllerApi.DeleteTopicsRequest r) {
            controller.deleteTopics(requestId, r, now);
        } else if (body instanceof ControllerApi.ElectLeadersRequest r) {
            controller.electLeaders(requestId, r, now);
        } else if (body instanceof ControllerApi.AlterConfigsRequest r) {
            controller.alterConfigs(requestId, r, now);
        } else {
            throw new IllegalStateException(name() + " got an unknown request " + body);
        }
        ControllerEffects effects = controller.drainEffects();
        if (body instanceof ControllerApi.AlterPartitionRequest r) {
            sim.checker().checkAlterPartition(this, r, before, activeBefore, effects);
        }
        perform(effects);
        pump();
    }

    /** Carries out the controller's effects: appends to Raft, answers, and its timer. */
    private void perform(ControllerEffects effects) {
        if (controller.isActive() != wasActive) {
            wasActive = controller.isActive();
            sim.trace(name() + (wasActive ? " is the active controller of epoch " + controller.leader().epoch()
                    : " is no longer active"));
        }
        for (ControllerEffects.Append append : effects.appends()) {
            List<byte[]> records = new ArrayList<>(append.records().size());
            for (MetadataRecord record : append.records()) {
                records.add(MetadataRecordCodec.encode(record));
            }
            enqueue(raft.append(append.appendId(), records, sim.nowMs()));
        }
        for (ControllerEffects.Reply reply : effects.replies()) {
            sim.checker().onReply(this, reply.requestId());
            Integer requester = requesters.remove(reply.requestId());
            if (requester != null) {
                sim.network().send(id, requester, new ControllerSimNetwork.RpcReply(reply.requestId(), reply.response(),
                        reply.failure()));
            }
        }
        armControllerWakeup(effects.wakeupAtMs());
    }

    private void armControllerWakeup(long wakeupAtMs) {
        if (wakeupAtMs >= nextControllerWakeupMs) {
            return;
        }
        nextControllerWakeupMs = wakeupAtMs;
        long at = Math.max(wakeupAtMs, sim.nowMs());
        int wakeIncarnation = incarnation;
        sim.schedule(at, this, () -> {
            if (up() && incarnation == wakeIncarnation && nextControllerWakeupMs == wakeupAtMs) {
                nextControllerWakeupMs = Long.MAX_VALUE;
                controller.tick(sim.nowMs());
                pump();
            }
        });
    }

    @Override
    String name() {
        return "controller " + id;
    }

    @Override
    public String toString() {
        return super.toString() + (up() && controller.isActive() ? " ACTIVE" : "");
    }
}
