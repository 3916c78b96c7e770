package io.kraftlet.sim;

import io.kraftlet.controller.ConfigurationControlManager;
import io.kraftlet.controller.ControllerApi;
import io.kraftlet.controller.ControllerError;
import io.kraftlet.controller.NotControllerException;
import java.util.Map;

/**
 * Creates the replication simulation's one topic (replication factor 3,
 * min.insync.replicas=2, unclean.leader.election.enable as the run says) through the active
 * controller, asking again every {@link #RETRY_MS} until it exists. It takes the random admin
 * workload's place, which would elect leaders uncleanly and delete topics at random.
 */
final class TopicCreator implements ControllerSimNetwork.Endpoint {
    static final int ID = 90;
    static final int RETRY_MS = 300;
    static final int RPC_TIMEOUT_MS = 2000;

    private final ControllerSimulation sim;
    private final boolean unclean;
    private int targetController = 1;
    private long inFlightRequestId = -1;
    private boolean created;

    TopicCreator(ControllerSimulation sim, boolean unclean) {
        this.sim = sim;
        this.unclean = unclean;
    }

    void start() {
        sim.schedule(RETRY_MS, null, this::tick);
    }

    private void tick() {
        if (created) {
            return;
        }
        if (inFlightRequestId == -1) {
            long requestId = sim.nextRequestId();
            inFlightRequestId = requestId;
            ControllerApi.NewTopic topic = new ControllerApi.NewTopic(ReplicationSimulation.TOPIC,
                    ReplicationSimulation.PARTITIONS, ReplicationSimulation.REPLICATION_FACTOR, Map.of(),
                    Map.of(ConfigurationControlManager.MIN_INSYNC_REPLICAS, "2",
                            ConfigurationControlManager.UNCLEAN_LEADER_ELECTION_ENABLE, String.valueOf(unclean)));
            sim.network().send(ID, targetController, new ControllerSimNetwork.RpcRequest(requestId,
                    new ControllerApi.CreateTopicsRequest(java.util.List.of(topic), false)));
            sim.schedule(sim.nowMs() + RPC_TIMEOUT_MS, null, () -> {
                if (inFlightRequestId == requestId) {
                    inFlightRequestId = -1;
                    targetController = targetController % sim.voterCount() + 1;
                }
            });
        }
        sim.schedule(sim.nowMs() + RETRY_MS, null, this::tick);
    }

    @Override
    public void receive(int from, Object message) {
        ControllerSimNetwork.RpcReply reply = (ControllerSimNetwork.RpcReply) message;
        if (reply.requestId() != inFlightRequestId) {
            return;
        }
        inFlightRequestId = -1;
        if (reply.failure() != null) {
            int hinted = reply.failure() instanceof NotControllerException notController
                    ? notController.activeController().controllerId() : -1;
            targetController = hinted >= 1 && hinted <= sim.voterCount() ? hinted
                    : targetController % sim.voterCount() + 1;
            return;
        }
        ControllerError error = ((ControllerApi.CreateTopicsReply) reply.response()).topics().get(0).error().error();
        if (error == ControllerError.NONE || error == ControllerError.TOPIC_ALREADY_EXISTS) {
            if (!created) {
                sim.trace("topic " + ReplicationSimulation.TOPIC + " created (unclean elections "
                        + (unclean ? "allowed" : "not allowed") + ")");
            }
            created = true;
        }
    }

    boolean created() {
        return created;
    }

    @Override
    public int id() {
        return ID;
    }

    @Override
    public boolean up() {
        return true;
    }

    @Override
    public int incarnation() {
        return 0;
    }

    @Override
    public MetadataSimNode pausable() {
        return null;
    }
}
