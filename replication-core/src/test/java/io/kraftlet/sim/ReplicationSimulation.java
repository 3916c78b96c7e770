package io.kraftlet.sim;

import io.kraftlet.image.MetadataImage;
import io.kraftlet.replication.ReplicaManager;
import io.kraftlet.replication.ReplicaOutput;
import io.kraftlet.replication.ReplicationConfig;
import io.kraftlet.replication.ReplicationPlantedBug;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The whole-cluster replication simulation: the {@link ControllerSimulation} (controllers,
 * brokers, faults, controller invariants) with, in every broker incarnation, a real
 * {@link ReplicaManager} ({@link ReplicaBroker}) over logs that survive crashes minus their
 * unflushed tail, plus producer and consumer clients of one topic (replication factor 3,
 * min.insync.replicas=2). The {@link ReplicationInvariantChecker} runs after every event, the
 * {@link ReplicationHistory} check once the faults have healed and the clients are done.
 * Everything random comes from the schedule's seed.
 */
final class ReplicationSimulation implements ControllerSimulation.Extension {
    static final String TOPIC = "rt";
    static final int PARTITIONS = 3;
    static final int REPLICATION_FACTOR = 3;
    static final int PRODUCERS = 2;
    static final int CONSUMERS = 1;
    /** Kafka's defaults, with the lag limit and fetch wait scaled to the simulation's seconds-long runs. */
    static final ReplicationConfig CONFIG = ReplicationConfig.DEFAULT.withReplicaLagTimeMaxMs(1500)
            .withReplicaFetchWaitMaxMs(200).withReplicaFetchBackoffMs(100).withMaxWaitingProducesPerPartition(1000);

    /** What a run established. */
    record Result(ControllerSimulation.Result controller, long replicationChecks, long produceRequests,
            long acksAllAcked, long acksOneAcked, long recordsRead, long truncations, long uncleanReports,
            long lostAfterReportedUncleanElection) {
    }

    private final ControllerSchedule schedule;
    private final boolean unclean;
    private final Set<ReplicationPlantedBug> bugs;
    private final Consumer<String> printer;
    private ControllerSimulation sim;
    private ReplicationInvariantChecker checker;
    private ReplicationHistory history;
    private TopicCreator topicCreator;
    private final Map<Integer, SimLogStore> logStores = new HashMap<>();
    private final Map<Integer, ControllerSimNetwork.Endpoint> clients = new HashMap<>();
    private final List<SimProducer> producers = new ArrayList<>();
    private final List<SimConsumer> consumers = new ArrayList<>();

    ReplicationSimulation(ControllerSchedule schedule, boolean unclean, Set<ReplicationPlantedBug> bugs,
            Consumer<String> printer) {
        this.schedule = schedule;
        this.unclean = unclean;
        this.bugs = bugs.isEmpty() ? EnumSet.noneOf(ReplicationPlantedBug.class) : EnumSet.copyOf(bugs);
        this.printer = printer;
    }

    /** Runs the schedule; throws {@link InvariantViolation} (with the trace and a replay command) on a violation. */
    Result run() {
        ControllerSimulation controllerSim = new ControllerSimulation(schedule, Set.of(), printer, this::attach);
        try {
            ControllerSimulation.Result result = controllerSim.run();
            return new Result(result, checker.checks(), history.produceRequests(), history.acksAllAcked(),
                    history.acksOneAcked(), history.recordsRead(), checker.truncations(), checker.uncleanReportsTotal(),
                    history.lostAfterReportedUncleanElection());
        } catch (InvariantViolation violation) {
            String detail = violation.getMessage().substring(violation.invariant().length() + " violated: ".length());
            InvariantViolation withReplay = new InvariantViolation(violation.invariant(), detail
                    + "  replication replay: " + replayCommand() + "\n");
            withReplay.initCause(violation);
            throw withReplay;
        }
    }

    String replayCommand() {
        String command = "mvn -B test -pl replication-core -Dsurefire.failIfNoSpecifiedTests=false "
                + "-Dtest=ReplicationSimulationTest#replay '-Dkraftlet.sim.replication.replay=" + schedule.encode() + "'";
        if (unclean) {
            command += " -Dkraftlet.sim.replication.unclean=true";
        }
        if (!bugs.isEmpty()) {
            command += " -Dkraftlet.sim.replication.bugs=" + String.join(",", bugs.stream().map(Enum::name).toList());
        }
        return command;
    }

    private ControllerSimulation.Extension attach(ControllerSimulation controllerSim) {
        this.sim = controllerSim;
        this.checker = new ReplicationInvariantChecker(this);
        this.history = new ReplicationHistory(this);
        this.topicCreator = new TopicCreator(controllerSim, unclean);
        Random random = new Random(schedule.seed() * 61 + 7);
        for (int i = 0; i < PRODUCERS; i++) {
            SimProducer producer = new SimProducer(100 + i, this, new Random(random.nextLong()));
            producers.add(producer);
            clients.put(producer.id(), producer);
        }
        for (int i = 0; i < CONSUMERS; i++) {
            SimConsumer consumer = new SimConsumer(200 + i, this, new Random(random.nextLong()));
            consumers.add(consumer);
            clients.put(consumer.id(), consumer);
        }
        clients.put(TopicCreator.ID, topicCreator);
        return this;
    }

    // ---------------------------------------------------------------- ControllerSimulation.Extension

    @Override
    public SimBroker.Plugin brokerStarting(SimBroker broker) {
        SimLogStore logs = logStores.computeIfAbsent(broker.id, id -> new SimLogStore(id, checker));
        return new ReplicaBroker(this, broker, logs);
    }

    @Override
    public boolean adminWorkload() {
        return false;
    }

    @Override
    public void start() {
        topicCreator.start();
        producers.forEach(SimProducer::start);
        consumers.forEach(SimConsumer::start);
    }

    @Override
    public ControllerSimNetwork.Endpoint endpoint(int id) {
        return clients.get(id);
    }

    @Override
    public void afterEvent() {
        checker.afterEvent();
    }

    @Override
    public void atEnd() {
        MetadataImage image = null;
        for (SimController controller : sim.controllers()) {
            if (controller.up() && controller.controller.isActive()) {
                image = controller.controller.committedImage();
            }
        }
        if (!topicCreator.created() || image == null) {
            throw new InvariantViolation("Liveness", "the topic was not created or no controller is active at the end");
        }
        history.checkAtEnd(image);
    }

    // ---------------------------------------------------------------- for the parts

    ReplicaManager newManager(int brokerId, SimLogStore logs, ReplicaOutput output) {
        return new ReplicaManager(brokerId, CONFIG, logs, output, bugs);
    }

    /** The replica brokers that are running with a replica manager, in broker order. */
    List<ReplicaBroker> liveBrokers() {
        List<ReplicaBroker> live = new ArrayList<>();
        for (SimBroker broker : sim.brokers()) {
            if (broker.up() && broker.plugin instanceof ReplicaBroker replica && replica.manager != null) {
                live.add(replica);
            }
        }
        return live;
    }

    /** Broker {@code id}'s running replica broker with a replica manager, or null. */
    ReplicaBroker replicaBroker(int id) {
        for (ReplicaBroker broker : liveBrokers()) {
            if (broker.brokerId() == id) {
                return broker;
            }
        }
        return null;
    }

    ControllerSimulation sim() {
        return sim;
    }

    ReplicationInvariantChecker checker() {
        return checker;
    }

    ReplicationHistory history() {
        return history;
    }
}
