package io.kraftlet.sim;

import io.kraftlet.image.MetadataImage;
import io.kraftlet.image.TopicImage;
import io.kraftlet.metadata.TopicPartition;
import io.kraftlet.replication.ProduceRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A producer client of the replication simulation: one request in flight, acks=all or acks=1
 * at random, one or two records per request, each record a value unique in the run
 * ("c3-17"). It sends to the broker some broker's image names as leader and, without
 * idempotence, retries a failed or unanswered request with new values. Acknowledgements go to
 * the {@link ReplicationHistory}. Never fails itself; no link to it is ever cut.
 */
final class SimProducer implements ControllerSimNetwork.Endpoint {
    static final int REQUEST_TIMEOUT_MS = 1500;
    static final int CLIENT_TIMEOUT_MS = 2500;

    private final int id;
    private final ReplicationSimulation rsim;
    private final ControllerSimulation sim;
    private final Random random;
    private final int intervalMs;
    private long seq;
    private long inFlightRequestId = -1;
    private ProduceRequest inFlight;
    private long inFlightSentMs;
    private List<String> inFlightValues = List.of();
    private long sent;

    SimProducer(int id, ReplicationSimulation rsim, Random random) {
        this.id = id;
        this.rsim = rsim;
        this.sim = rsim.sim();
        this.random = random;
        this.intervalMs = 20 + random.nextInt(60);
    }

    void start() {
        sim.schedule(500 + random.nextInt(500), null, this::tick);
    }

    private void tick() {
        if (sim.nowMs() >= sim.workloadStopMs()) {
            return;
        }
        if (inFlightRequestId == -1) {
            sendOne();
        }
        sim.schedule(sim.nowMs() + intervalMs, null, this::tick);
    }

    private void sendOne() {
        int partition = random.nextInt(ReplicationSimulation.PARTITIONS);
        int acks = random.nextBoolean() ? -1 : 1;
        int count = 1 + random.nextInt(2);
        List<String> values = new ArrayList<>();
        List<byte[]> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String value = "c" + id + "-" + seq++;
            values.add(value);
            records.add(value.getBytes(StandardCharsets.UTF_8));
        }
        int leader = believedLeader(rsim, random, partition);
        if (leader < 0) {
            return;
        }
        long requestId = sim.nextRequestId();
        inFlightRequestId = requestId;
        inFlight = new ProduceRequest(new TopicPartition(ReplicationSimulation.TOPIC, partition), records, acks,
                REQUEST_TIMEOUT_MS);
        inFlightSentMs = sim.nowMs();
        inFlightValues = values;
        sent++;
        rsim.history().onProduceSent(acks);
        sim.network().send(id, leader, new ReplicaBroker.ProduceMessage(requestId, inFlight));
        sim.schedule(sim.nowMs() + CLIENT_TIMEOUT_MS, null, () -> {
            if (inFlightRequestId == requestId) {
                inFlightRequestId = -1;
                rsim.history().onProduceTimedOut(inFlight, inFlightSentMs, leader);
            }
        });
    }

    /** The leader of {@code partition} in the image of a random running broker, or -1. */
    static int believedLeader(ReplicationSimulation rsim, Random random, int partition) {
        List<SimBroker> brokers = rsim.sim().brokers();
        SimBroker broker = brokers.get(random.nextInt(brokers.size()));
        if (!broker.up()) {
            return -1;
        }
        MetadataImage image = broker.loader.image();
        TopicImage topic = image.topics().topic(ReplicationSimulation.TOPIC);
        if (topic == null || partition >= topic.partitionCount()) {
            return -1;
        }
        return topic.partition(partition).leader();
    }

    @Override
    public void receive(int from, Object message) {
        ReplicaBroker.ProduceReplyMessage reply = (ReplicaBroker.ProduceReplyMessage) message;
        if (reply.requestId() != inFlightRequestId) {
            return; // timed out already
        }
        inFlightRequestId = -1;
        rsim.history().onProduceAnswered(id, inFlight, inFlightValues, reply.result(), from);
    }

    long sent() {
        return sent;
    }

    @Override
    public int id() {
        return id;
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
