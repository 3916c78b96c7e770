package io.kraftlet.sim;

import io.kraftlet.metadata.TopicPartition;
import io.kraftlet.raft.Batch;
import io.kraftlet.replication.ReadResult;
import io.kraftlet.replication.ReplicationError;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * A consumer client of the replication simulation: reads every partition in turn from the
 * broker some broker's image names as leader, one read in flight, following the offsets it
 * reached, and records every (partition, offset, value) it sees in the
 * {@link ReplicationHistory}, which checks that no offset ever changes value.
 */
final class SimConsumer implements ControllerSimNetwork.Endpoint {
    static final int MAX_BYTES = 4096;
    static final int CLIENT_TIMEOUT_MS = 1000;

    private final int id;
    private final ReplicationSimulation rsim;
    private final ControllerSimulation sim;
    private final Random random;
    private final long[] nextOffsets = new long[ReplicationSimulation.PARTITIONS];
    private int partition;
    private long inFlightRequestId = -1;
    private long reads;

    SimConsumer(int id, ReplicationSimulation rsim, Random random) {
        this.id = id;
        this.rsim = rsim;
        this.sim = rsim.sim();
        this.random = random;
    }

    void start() {
        sim.schedule(700 + random.nextInt(500), null, this::tick);
    }

    private void tick() {
        if (sim.nowMs() >= sim.endMs() - 500) {
            return;
        }
        if (inFlightRequestId == -1) {
            partition = (partition + 1) % nextOffsets.length;
            int leader = SimProducer.believedLeader(rsim, random, partition);
            if (leader >= 0) {
                long requestId = sim.nextRequestId();
                inFlightRequestId = requestId;
                reads++;
                sim.network().send(id, leader, new ReplicaBroker.ReadMessage(requestId,
                        new TopicPartition(ReplicationSimulation.TOPIC, partition), nextOffsets[partition], MAX_BYTES));
                sim.schedule(sim.nowMs() + CLIENT_TIMEOUT_MS, null, () -> {
                    if (inFlightRequestId == requestId) {
                        inFlightRequestId = -1;
                    }
                });
            }
        }
        sim.schedule(sim.nowMs() + 40 + random.nextInt(40), null, this::tick);
    }

    @Override
    public void receive(int from, Object message) {
        ReplicaBroker.ReadReplyMessage reply = (ReplicaBroker.ReadReplyMessage) message;
        if (reply.requestId() != inFlightRequestId) {
            return;
        }
        inFlightRequestId = -1;
        ReadResult result = reply.result();
        TopicPartition tp = new TopicPartition(ReplicationSimulation.TOPIC, partition);
        if (result.error() == ReplicationError.NONE) {
            long next = nextOffsets[partition];
            for (Batch batch : result.batches()) {
                for (int i = 0; i < batch.records().size(); i++) {
                    long offset = batch.baseOffset() + i;
                    if (offset >= next) {
                        rsim.history().onRead(tp, offset, new String(batch.records().get(i), StandardCharsets.UTF_8),
                                from, result.highWatermark());
                    }
                }
                next = Math.max(next, batch.endOffset());
            }
            nextOffsets[partition] = next;
        } else if (result.error() == ReplicationError.OFFSET_OUT_OF_RANGE && result.highWatermark() >= 0
                && nextOffsets[partition] > result.highWatermark() && rsim.checker().uncleanReports(tp) > 0) {
            // After a reported unclean election the log may have become shorter for good.
            nextOffsets[partition] = result.highWatermark();
        }
    }

    long reads() {
        return reads;
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
