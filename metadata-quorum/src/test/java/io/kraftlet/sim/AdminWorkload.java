package io.kraftlet.sim;

import io.kraftlet.controller.ConfigurationControlManager;
import io.kraftlet.controller.ControllerApi;
import io.kraftlet.controller.ElectionType;
import io.kraftlet.controller.NotControllerException;
import io.kraftlet.metadata.ConfigResource;
import io.kraftlet.metadata.TopicPartition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The admin client: every {@code adminIntervalMs} (when nothing is in flight) it sends one
 * seeded request to the controller it believes active, following NOT_CONTROLLER hints and
 * trying the controllers in turn: create topics (1-4 partitions, replication factor 1-3,
 * min.insync.replicas 1-2, some allowing unclean leader election), delete topics, PREFERRED
 * and UNCLEAN ElectLeaders, and AlterConfigs. It never fails itself and no link to it is ever
 * cut (links of the controllers are).
 *
 * <p>Liveness: once the cluster has healed and settled, every request must be answered
 * (a timeout is a violation), and some must succeed.
 */
final class AdminWorkload implements ControllerSimNetwork.Endpoint {
    static final int ID = 0;
    static final int RPC_TIMEOUT_MS = 3000;
    private static final int TOPIC_NAMES = 6;

    private final ControllerSimulation sim;
    private final Random random;
    private int targetController;
    private long inFlightRequestId = -1;
    private long inFlightSentMs;
    private String inFlightWhat = "";
    private boolean stopped;
    private long lastSendMs;
    private long sent;
    private long answered;
    private long succeeded;
    private long succeededAfterHeal;
    private final Map<String, Long> answersByKind = new HashMap<>();
    private final List<String> lateTimeouts = new ArrayList<>();

    AdminWorkload(ControllerSimulation sim, Random random) {
        this.sim = sim;
        this.random = random;
        this.targetController = 1;
    }

    void start() {
        sim.schedule(sim.schedule().adminIntervalMs(), null, this::tick);
    }

    private void tick() {
        if (sim.nowMs() >= sim.workloadStopMs()) {
            stopped = true;
            return;
        }
        if (inFlightRequestId == -1) {
            sendOne();
        }
        sim.schedule(sim.nowMs() + sim.schedule().adminIntervalMs(), null, this::tick);
    }

    private void sendOne() {
        Object request = nextRequest();
        long requestId = sim.nextRequestId();
        inFlightRequestId = requestId;
        inFlightSentMs = sim.nowMs();
        inFlightWhat = describe(request);
        lastSendMs = sim.nowMs();
        sent++;
        sim.trace("admin sends " + inFlightWhat + " to controller " + targetController);
        sim.network().send(ID, targetController, new ControllerSimNetwork.RpcRequest(requestId, request));
        sim.schedule(sim.nowMs() + RPC_TIMEOUT_MS, null, () -> {
            if (inFlightRequestId == requestId) {
                if (inFlightSentMs >= sim.settledMs()) {
                    lateTimeouts.add(inFlightWhat + " sent at " + inFlightSentMs + "ms to controller " + targetController);
                }
                inFlightRequestId = -1;
                targetController = targetController % sim.voterCount() + 1;
            }
        });
    }

    private Object nextRequest() {
        int dice = random.nextInt(100);
        String topic = "t" + random.nextInt(TOPIC_NAMES);
        if (dice < 35) {
            Map<String, String> configs = new HashMap<>();
            if (random.nextBoolean()) {
                configs.put(ConfigurationControlManager.MIN_INSYNC_REPLICAS, String.valueOf(1 + random.nextInt(2)));
            }
            if (random.nextInt(100) < 30) {
                configs.put(ConfigurationControlManager.UNCLEAN_LEADER_ELECTION_ENABLE, "true");
            }
            return new ControllerApi.CreateTopicsRequest(List.of(new ControllerApi.NewTopic(topic, 1 + random.nextInt(4),
                    1 + random.nextInt(3), Map.of(), configs)), false);
        } else if (dice < 45) {
            return new ControllerApi.DeleteTopicsRequest(List.of(topic));
        } else if (dice < 70) {
            ElectionType type = random.nextInt(100) < 60 ? ElectionType.PREFERRED : ElectionType.UNCLEAN;
            List<TopicPartition> partitions = random.nextInt(100) < 30 ? List.of()
                    : List.of(new TopicPartition(topic, random.nextInt(4)));
            return new ControllerApi.ElectLeadersRequest(type, partitions);
        } else {
            ConfigResource resource = random.nextInt(100) < 5 ? ConfigResource.CLUSTER_DEFAULTS : ConfigResource.topic(topic);
            String name;
            String value;
            if (random.nextBoolean()) {
                name = ConfigurationControlManager.UNCLEAN_LEADER_ELECTION_ENABLE;
                value = random.nextInt(100) < 20 ? null : String.valueOf(random.nextBoolean());
            } else {
                name = ConfigurationControlManager.MIN_INSYNC_REPLICAS;
                value = random.nextInt(100) < 20 ? null : String.valueOf(1 + random.nextInt(2));
            }
            return new ControllerApi.AlterConfigsRequest(List.of(new ControllerApi.ConfigChange(resource, name, value)),
                    false);
        }
    }

    private static String describe(Object request) {
        if (request instanceof ControllerApi.CreateTopicsRequest create) {
            ControllerApi.NewTopic topic = create.topics().get(0);
            return "CreateTopics " + topic.name() + " partitions=" + topic.numPartitions() + " rf="
                    + topic.replicationFactor() + " " + topic.configs();
        } else if (request instanceof ControllerApi.DeleteTopicsRequest delete) {
            return "DeleteTopics " + delete.names();
        } else if (request instanceof ControllerApi.ElectLeadersRequest elect) {
            return "ElectLeaders " + elect.type() + " " + (elect.partitions().isEmpty() ? "all" : elect.partitions());
        } else {
            ControllerApi.ConfigChange change = ((ControllerApi.AlterConfigsRequest) request).changes().get(0);
            return "AlterConfigs " + change.resource() + " " + change.name() + "=" + change.value();
        }
    }

    @Override
    public void receive(int from, Object message) {
        ControllerSimNetwork.RpcReply reply = (ControllerSimNetwork.RpcReply) message;
        if (reply.requestId() != inFlightRequestId) {
            return; // timed out already
        }
        inFlightRequestId = -1;
        answered++;
        String kind;
        if (reply.failure() != null) {
            kind = "NOT_CONTROLLER";
            int hinted = reply.failure() instanceof NotControllerException notController
                    ? notController.activeController().controllerId() : -1;
            targetController = hinted >= 1 && hinted <= sim.voterCount() ? hinted
                    : targetController % sim.voterCount() + 1;
        } else {
            kind = outcome(reply.response());
            succeeded++;
            if (sim.nowMs() > sim.schedule().faultHorizonMs()) {
                succeededAfterHeal++;
            }
        }
        answersByKind.merge(kind, 1L, Long::sum);
        sim.trace("admin got " + kind + " for " + inFlightWhat);
    }

    /** The first error code of an answer, or NONE: for the trace and the answer statistics. */
    private static String outcome(Object response) {
        if (response instanceof ControllerApi.CreateTopicsReply reply) {
            return reply.topics().get(0).error().error().name();
        } else if (response instanceof ControllerApi.DeleteTopicsReply reply) {
            return reply.topics().get(0).error().error().name();
        } else if (response instanceof ControllerApi.ElectLeadersReply reply) {
            return reply.partitions().isEmpty() ? reply.error().error().name()
                    : reply.partitions().get(0).error().error().name();
        } else if (response instanceof ControllerApi.AlterConfigsReply reply) {
            return reply.resources().get(0).error().error().name();
        }
        return String.valueOf(response);
    }

    /** Liveness once healed: no late request went unanswered, some succeeded. */
    void checkAnswered() {
        if (!lateTimeouts.isEmpty()) {
            throw new InvariantViolation("Liveness", lateTimeouts.size() + " admin requests sent after the cluster "
                    + "settled at " + sim.settledMs() + "ms were never answered, e.g. " + lateTimeouts.get(0));
        }
        if (succeededAfterHeal == 0) {
            throw new InvariantViolation("Liveness", "no admin request succeeded after the cluster healed at "
                    + sim.schedule().faultHorizonMs() + "ms");
        }
    }

    boolean stoppedAndDrained(long atMs) {
        return stopped && inFlightRequestId == -1 && atMs >= lastSendMs;
    }

    long sent() {
        return sent;
    }

    long answered() {
        return answered;
    }

    long succeeded() {
        return succeeded;
    }

    Map<String, Long> answersByKind() {
        return answersByKind;
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
