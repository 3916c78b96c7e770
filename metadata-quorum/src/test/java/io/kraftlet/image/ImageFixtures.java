package io.kraftlet.image;

import io.kraftlet.metadata.ConfigResource;
import io.kraftlet.metadata.Endpoint;
import io.kraftlet.metadata.LeaderRecoveryState;
import io.kraftlet.metadata.MetadataRecord;
import java.util.List;
import java.util.UUID;

/** Records and images shared by the image tests. */
final class ImageFixtures {
    static final UUID ORDERS = new UUID(0x1111L, 0x1L);
    static final UUID PAYMENTS = new UUID(0x2222L, 0x2L);
    static final UUID AUDIT = new UUID(0x3333L, 0x3L);

    private ImageFixtures() {
    }

    static UUID incarnation(int brokerId) {
        return new UUID(0xbeefL, brokerId);
    }

    static List<Endpoint> listeners(int brokerId) {
        return List.of(new Endpoint("PLAINTEXT", "broker-" + brokerId, 9092),
                new Endpoint("REPLICATION", "10.0.0." + brokerId, 9093));
    }

    /** Broker {@code id} registering at {@code epoch}, fenced, in rack "rack-{id % 2}". */
    static MetadataRecord.RegisterBroker register(int id, long epoch) {
        return new MetadataRecord.RegisterBroker(id, epoch, incarnation(id), listeners(id), "rack-" + id % 2, true,
                false);
    }

    /** A clean partition: leader replicas[0], ISR = replicas, epochs 0. */
    static MetadataRecord.Partition partition(UUID topicId, int partitionId, Integer... replicas) {
        List<Integer> ids = List.of(replicas);
        return new MetadataRecord.Partition(topicId, partitionId, ids, ids, List.of(), List.of(),
                ids.isEmpty() ? MetadataRecord.NO_LEADER : ids.get(0), LeaderRecoveryState.RECOVERED, 0, 0);
    }

    /** A change that sets only the leader. */
    static MetadataRecord.PartitionChange leaderChange(UUID topicId, int partitionId, int leader) {
        return new MetadataRecord.PartitionChange(topicId, partitionId, leader, null, null, null, null, null, false);
    }

    /** A change that sets only the ISR. */
    static MetadataRecord.PartitionChange isrChange(UUID topicId, int partitionId, Integer... isr) {
        return new MetadataRecord.PartitionChange(topicId, partitionId, null, List.of(isr), null, null, null, null,
                false);
    }

    /** Replays the records on a fresh delta of {@code base}, at offsets from base.endOffset(). */
    static MetadataDelta delta(MetadataImage base, MetadataRecord... records) {
        MetadataDelta delta = new MetadataDelta(base);
        long offset = base.endOffset();
        for (MetadataRecord record : records) {
            delta.replay(record, offset++);
        }
        return delta;
    }

    /** The image after the records, ending just after the last one. */
    static MetadataImage apply(MetadataImage base, MetadataRecord... records) {
        return delta(base, records).apply(base.endOffset() + records.length);
    }

    /**
     * Brokers 1, 2, 3 registered at epochs 10, 20, 30 and unfenced; topic "orders" with
     * partitions 0-2 on (1,2,3), (2,3,1), (3,1,2); topic "payments" with partitions 0-1 on
     * (1,2), (2,3); orders has min.insync.replicas=2 and the cluster default is 1.
     */
    static MetadataImage twoTopics() {
        return apply(MetadataImage.EMPTY,
                register(1, 10), register(2, 20), register(3, 30),
                new MetadataRecord.UnfenceBroker(1, 10), new MetadataRecord.UnfenceBroker(2, 20),
                new MetadataRecord.UnfenceBroker(3, 30),
                new MetadataRecord.Topic("orders", ORDERS),
                partition(ORDERS, 0, 1, 2, 3), partition(ORDERS, 1, 2, 3, 1), partition(ORDERS, 2, 3, 1, 2),
                new MetadataRecord.Topic("payments", PAYMENTS),
                partition(PAYMENTS, 0, 1, 2), partition(PAYMENTS, 1, 2, 3),
                new MetadataRecord.Config(ConfigResource.topic("orders"), "min.insync.replicas", "2"),
                new MetadataRecord.Config(ConfigResource.CLUSTER_DEFAULTS, "min.insync.replicas", "1"));
    }
}
