package io.kraftlet.sim;

import io.kraftlet.controller.ControllerApi;
import io.kraftlet.controller.ControllerApi.PartitionChangeProposal;
import io.kraftlet.image.MetadataImage;
import io.kraftlet.metadata.TopicPartition;
import io.kraftlet.replication.ProduceRequest;
import io.kraftlet.replication.ProduceResult;
import io.kraftlet.replication.ReadResult;
import io.kraftlet.replication.ReplicaFetchRequest;
import io.kraftlet.replication.ReplicaFetchResponse;
import io.kraftlet.replication.ReplicaManager;
import io.kraftlet.replication.ReplicaOutput;
import io.kraftlet.replication.ReplicationError;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The replication side of one simulated broker incarnation: the real {@link ReplicaManager}
 * over the broker's {@link SimLogStore}, driven the way a broker's driver drives it. The
 * broker epoch goes in once the lifecycle has one (a new epoch in the same incarnation gets a
 * fresh manager), every image goes in, a timer ticks it at {@link ReplicaManager#nextWakeupMs},
 * and {@link ReplicaManager#flush} follows every produce. Its {@link ReplicaOutput} turns
 * effects into messages on the simulated network: follower fetches to leader brokers (failed
 * after {@link #RPC_TIMEOUT_MS} without answer), answers to clients and followers, and the
 * AlterPartition proposals of one manager call batched into one request to the controller.
 */
final class ReplicaBroker implements SimBroker.Plugin, ReplicaOutput {
    static final int RPC_TIMEOUT_MS = 2000;
    /** replica.high.watermark.checkpoint.interval.ms, scaled down as the simulation's other timeouts are. */
    static final int HIGH_WATERMARK_CHECKPOINT_INTERVAL_MS = 1000;

    /** A follower's fetch and the leader's answer. */
    record FetchMessage(long fetchId, ReplicaFetchRequest request) {
    }

    record FetchReplyMessage(long fetchId, ReplicaFetchResponse response) {
    }

    /** A client's produce (its id unique in the run) and the answer. */
    record ProduceMessage(long requestId, ProduceRequest request) {
    }

    record ProduceReplyMessage(long requestId, ProduceResult result) {
    }

    /** A client's read and the answer. */
    record ReadMessage(long requestId, TopicPartition partition, long offset, int maxBytes) {
    }

    record ReadReplyMessage(long requestId, ReadResult result) {
    }

    private record InboundFetch(int followerId, long fetchId) {
    }

    private record InboundProduce(int clientId, ProduceRequest request) {
    }

    private final ReplicationSimulation rsim;
    private final ControllerSimulation sim;
    private final SimBroker broker;
    final SimLogStore logs;
    ReplicaManager manager;
    private final Map<Long, InboundFetch> inboundFetches = new HashMap<>();
    private final Map<Long, InboundProduce> inboundProduces = new HashMap<>();
    private final LinkedHashMap<String, PartitionChangeProposal> pendingProposals = new LinkedHashMap<>();
    private final Map<Long, List<PartitionChangeProposal>> alterPartitionsInFlight = new HashMap<>();
    private long armedWakeupMs = Long.MAX_VALUE;
    /** Each replica's role, leader epoch and ISR as last traced, so the trace shows every change. */
    private final Map<TopicPartition, String> tracedRoles = new HashMap<>();
    private boolean stopped;

    ReplicaBroker(ReplicationSimulation rsim, SimBroker broker, SimLogStore logs) {
        this.rsim = rsim;
        this.sim = rsim.sim();
        this.broker = broker;
        this.logs = logs;
    }

    int brokerId() {
        return broker.id;
    }

    // ---------------------------------------------------------------- SimBroker.Plugin

    @Override
    public void onImage(MetadataImage image) {
        if (manager != null) {
            manager.applyImage(image, sim.nowMs());
            afterCall();
        }
    }

    @Override
    public void onLifecycle() {
        long epoch = broker.lifecycle.brokerEpoch();
        if (epoch < 0 || (manager != null && manager.brokerEpoch() == epoch)) {
            return;
        }
        if (manager != null) {
            sim.trace(broker.name() + " re-registered with epoch " + epoch + ": a fresh replica manager");
            dropManager();
        }
        manager = rsim.newManager(broker.id, logs, this);
        scheduleCheckpoint(manager);
        long now = sim.nowMs();
        manager.setBrokerEpoch(epoch, now);
        MetadataImage image = broker.loader.image();
        if (image != MetadataImage.EMPTY) {
            manager.applyImage(image, now);
        }
        afterCall();
    }

    @Override
    public boolean receive(int from, Object message) {
        long now = sim.nowMs();
        if (message instanceof FetchMessage fetch) {
            if (manager != null) {
                long requestId = sim.nextRequestId();
                inboundFetches.put(requestId, new InboundFetch(from, fetch.fetchId()));
                manager.handleFetchRequest(requestId, fetch.request(), now);
                afterCall();
            }
        } else if (message instanceof FetchReplyMessage reply) {
            if (manager != null) {
                manager.handleFetchResponse(from, reply.fetchId(), reply.response(), now);
                afterCall();
            }
        } else if (message instanceof ProduceMessage produce) {
            if (manager == null) {
                sim.network().send(broker.id, from, new ProduceReplyMessage(produce.requestId(),
                        ProduceResult.failed(ReplicationError.NOT_LEADER_OR_FOLLOWER, broker.name() + " is not registered")));
                return true;
            }
            inboundProduces.put(produce.requestId(), new InboundProduce(from, produce.request()));
            manager.produce(produce.requestId(), produce.request(), now);
            manager.flush(now);
            afterCall();
        } else if (message instanceof ReadMessage read) {
            ReadResult result = manager == null
                    ? ReadResult.failed(ReplicationError.NOT_LEADER_OR_FOLLOWER, -1, -1, broker.name() + " is not registered")
                    : manager.read(read.partition(), read.offset(), read.maxBytes());
            if (manager != null) {
                rsim.checker().onRead(this, read.partition(), read.offset(), result);
            }
            sim.network().send(broker.id, from, new ReadReplyMessage(read.requestId(), result));
        } else if (message instanceof ControllerSimNetwork.RpcReply reply) {
            handleAlterPartitionReply(reply);
        } else {
            return false;
        }
        return true;
    }

    @Override
    public void onStop(boolean powerCut) {
        stopped = true;
        if (!powerCut && manager != null && manager.isReady()) {
            // A clean stop checkpoints the HWs last, as the broker's driver does.
            manager.flush(sim.nowMs());
            logs.checkpointHighWatermarks(manager.highWatermarks());
        }
        dropManager();
        if (powerCut) {
            logs.crash();
        } else {
            logs.flushAll();
        }
    }

    private void dropManager() {
        if (manager != null) {
            rsim.checker().onManagerGone(manager);
        }
        manager = null;
        inboundFetches.clear();
        inboundProduces.clear();
        pendingProposals.clear();
        alterPartitionsInFlight.clear();
        armedWakeupMs = Long.MAX_VALUE;
    }

    // ---------------------------------------------------------------- driver turn

    /**
     * Checkpoints the HWs now and then, once the replicas exist (they start from the old
     * checkpoint, which must not be overwritten before they read it).
     */
    private void scheduleCheckpoint(ReplicaManager owner) {
        sim.schedule(sim.nowMs() + HIGH_WATERMARK_CHECKPOINT_INTERVAL_MS, broker, () -> {
            if (manager == owner && !stopped) {
                if (manager.isReady()) {
                    logs.checkpointHighWatermarks(manager.highWatermarks());
                }
                scheduleCheckpoint(owner);
            }
        });
    }

    /** After every manager call: send the batched AlterPartition, arm the timer. */
    private void afterCall() {
        if (manager == null || stopped) {
            return;
        }
        if (!pendingProposals.isEmpty()) {
            sendAlterPartition(new ArrayList<>(pendingProposals.values()));
            pendingProposals.clear();
        }
        rsim.checker().afterManagerCall(this);
        for (ReplicaManager.ReplicaView view : manager.replicas()) {
            String role = view.role() + " epoch " + view.leaderEpoch() + (view.role() == ReplicaManager.Role.LEADER
                    ? " ISR " + view.isr() + " maximal " + view.maximalIsr() : "") + (view.failed() ? " FAILED" : "");
            if (!role.equals(tracedRoles.put(view.topicPartition(), role))) {
                sim.trace(broker.name() + " " + view.topicPartition() + ": " + role + " HW " + view.highWatermark()
                        + " LEO " + view.logEndOffset());
            }
        }
        armWakeup(manager.nextWakeupMs());
    }

    private void armWakeup(long wakeupAtMs) {
        if (wakeupAtMs == Long.MAX_VALUE) {
            return;
        }
        // Never at the current millisecond: a tick always lets time pass, so nothing can spin.
        long at = Math.max(wakeupAtMs, sim.nowMs() + 1);
        if (at >= armedWakeupMs) {
            return;
        }
        armedWakeupMs = at;
        ReplicaManager armedFor = manager;
        sim.schedule(at, broker, () -> {
            if (manager == armedFor && armedWakeupMs == at) {
                armedWakeupMs = Long.MAX_VALUE;
                manager.tick(sim.nowMs());
                afterCall();
            }
        });
    }

    private void sendAlterPartition(List<PartitionChangeProposal> proposals) {
        long requestId = sim.nextRequestId();
        alterPartitionsInFlight.put(requestId, proposals);
        sim.checker().onAlterPartitionSent();
        StringBuilder what = new StringBuilder();
        for (PartitionChangeProposal proposal : proposals) {
            what.append(' ').append(proposal.partition()).append(':')
                    .append(proposal.newIsr().stream().map(ControllerApi.BrokerState::brokerId).toList())
                    .append('@').append(proposal.leaderEpoch()).append('/').append(proposal.partitionEpoch());
        }
        sim.trace(broker.name() + " AlterPartition" + what);
        ReplicaManager sentBy = manager;
        broker.sendToController(requestId, new ControllerApi.AlterPartitionRequest(broker.id, manager.brokerEpoch(),
                proposals), () -> {
                    if (alterPartitionsInFlight.remove(requestId) != null && manager == sentBy) {
                        broker.followHint(null);
                        for (PartitionChangeProposal proposal : proposals) {
                            manager.handleAlterPartitionFailure(proposal, sim.nowMs());
                        }
                        afterCall();
                    }
                });
    }

    private void handleAlterPartitionReply(ControllerSimNetwork.RpcReply reply) {
        List<PartitionChangeProposal> proposals = alterPartitionsInFlight.remove(reply.requestId());
        if (proposals == null || manager == null) {
            return;
        }
        long now = sim.nowMs();
        ControllerApi.AlterPartitionReply answer = reply.failure() == null
                ? (ControllerApi.AlterPartitionReply) reply.response() : null;
        if (answer == null || !answer.error().isSuccess()) {
            if (reply.failure() != null) {
                broker.followHint(reply.failure());
            }
            for (PartitionChangeProposal proposal : proposals) {
                manager.handleAlterPartitionFailure(proposal, now);
            }
            afterCall();
            return;
        }
        sim.checker().onAlterPartitionReply(answer);
        for (PartitionChangeProposal proposal : proposals) {
            ControllerApi.PartitionChangeResult result = answer.partitions().stream()
                    .filter(r -> r.topicId().equals(proposal.topicId()) && r.partition() == proposal.partition())
                    .findFirst().orElse(null);
            if (result == null) {
                manager.handleAlterPartitionFailure(proposal, now);
            } else {
                manager.handleAlterPartitionResponse(proposal, result, now);
            }
        }
        afterCall();
    }

    // ---------------------------------------------------------------- ReplicaOutput

    @Override
    public void produceCompleted(long requestId, ProduceResult result) {
        InboundProduce produce = inboundProduces.remove(requestId);
        if (produce == null) {
            throw new IllegalStateException(broker.name() + " answered produce " + requestId + " twice or unasked");
        }
        rsim.checker().onProduceAnswered(this, produce.request(), result);
        sim.network().send(broker.id, produce.clientId(), new ProduceReplyMessage(requestId, result));
    }

    @Override
    public void fetchCompleted(long requestId, ReplicaFetchResponse response) {
        InboundFetch fetch = inboundFetches.remove(requestId);
        if (fetch != null) {
            sim.network().send(broker.id, fetch.followerId(), new FetchReplyMessage(fetch.fetchId(), response));
        }
    }

    @Override
    public void sendFetch(int leaderId, long fetchId, ReplicaFetchRequest request) {
        sim.network().send(broker.id, leaderId, new FetchMessage(fetchId, request));
        ReplicaManager sentBy = manager;
        sim.schedule(sim.nowMs() + RPC_TIMEOUT_MS, broker, () -> {
            if (manager == sentBy && manager != null) {
                manager.handleFetchFailure(leaderId, fetchId, sim.nowMs());
                afterCall();
            }
        });
    }

    @Override
    public void sendAlterPartition(PartitionChangeProposal proposal) {
        pendingProposals.put(proposal.topicId() + "-" + proposal.partition(), proposal);
    }

    @Override
    public void uncleanTruncation(TopicPartition partition, long truncatedTo, long highWatermarkBefore) {
        sim.trace(broker.name() + " reports an unclean truncation of " + partition + " to " + truncatedTo
                + " below its HW " + highWatermarkBefore);
        rsim.checker().onUncleanReport(broker.id, partition, truncatedTo);
    }

    @Override
    public void uncleanLeadership(TopicPartition partition, int leaderEpoch, long logEndOffset) {
        sim.trace(broker.name() + " leads " + partition + " uncleanly in epoch " + leaderEpoch + " at LEO " + logEndOffset);
        rsim.checker().onUncleanReport(broker.id, partition, logEndOffset);
    }

    @Override
    public void partitionFailed(TopicPartition partition, String reason) {
        rsim.checker().onPartitionFailed(broker.id, partition, reason);
    }

    @Override
    public String toString() {
        return broker.name() + (manager == null ? " (no replica manager)" : " " + manager.replicas());
    }
}
