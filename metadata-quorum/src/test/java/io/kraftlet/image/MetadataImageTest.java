package io.kraftlet.image;

import static io.kraftlet.image.ImageFixtures.AUDIT;
import static io.kraftlet.image.ImageFixtures.ORDERS;
import static io.kraftlet.image.ImageFixtures.PAYMENTS;
import static io.kraftlet.image.ImageFixtures.apply;
import static io.kraftlet.image.ImageFixtures.isrChange;
import static io.kraftlet.image.ImageFixtures.leaderChange;
import static io.kraftlet.image.ImageFixtures.partition;
import static io.kraftlet.image.ImageFixtures.register;
import static io.kraftlet.image.ImageFixtures.twoTopics;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.codec.MetadataRecordCodec;
import io.kraftlet.metadata.ConfigResource;
import io.kraftlet.metadata.LeaderRecoveryState;
import io.kraftlet.metadata.MetadataRecord;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An image written as records (what a snapshot holds) and replayed on the empty image is the
 * same image, directly and through the snapshot codec.
 */
class MetadataImageTest {
    /**
     * Brokers unfenced (1), fenced (2, 5), in controlled shutdown (3) and both (4); topics with
     * ELR, last known ELR, no leader and a RECOVERING leader; topic configs, cluster defaults
     * and a per-broker config; epochs moved by several deltas.
     */
    private static MetadataImage richImage() {
        MetadataImage image = apply(twoTopics(),
                register(4, 40), register(5, 50),
                new MetadataRecord.BrokerRegistrationChange(3, 30, true),
                new MetadataRecord.BrokerRegistrationChange(4, 40, true),
                new MetadataRecord.FenceBroker(2, 20),
                new MetadataRecord.Topic("audit", AUDIT),
                partition(AUDIT, 0, 4, 5, 1), partition(AUDIT, 1, 5, 1, 4), partition(AUDIT, 2, 1, 4, 5),
                partition(AUDIT, 3));
        image = apply(image,
                // Broker 2 was fenced: out of every ISR, into the ELR.
                new MetadataRecord.PartitionChange(ORDERS, 0, null, List.of(1, 3), List.of(2), null, null, null, false),
                new MetadataRecord.PartitionChange(ORDERS, 1, 3, List.of(3, 1), List.of(2), List.of(), null, null,
                        false),
                // Every ISR member gone: leader -1, the last one stays in the ISR.
                new MetadataRecord.PartitionChange(PAYMENTS, 0, MetadataRecord.NO_LEADER, List.of(1), List.of(),
                        List.of(2), null, null, false),
                // An unclean election.
                new MetadataRecord.PartitionChange(PAYMENTS, 1, 3, List.of(3), List.of(), List.of(2), null,
                        LeaderRecoveryState.RECOVERING, false),
                new MetadataRecord.PartitionChange(AUDIT, 2, null, null, null, null, List.of(1, 4), null, true),
                new MetadataRecord.Config(ConfigResource.topic("audit"), "unclean.leader.election.enable", "true"),
                new MetadataRecord.Config(ConfigResource.topic("audit"), "retention.ms", "600000"),
                new MetadataRecord.Config(ConfigResource.topic("payments"), "min.insync.replicas", "2"),
                new MetadataRecord.Config(ConfigResource.CLUSTER_DEFAULTS, "unclean.leader.election.enable", "false"),
                new MetadataRecord.Config(new ConfigResource(ConfigResource.Type.BROKER, "1"), "log.dirs", "/d1"));
        return apply(image, leaderChange(ORDERS, 1, 1), isrChange(AUDIT, 0, 4, 1),
                new MetadataRecord.Config(ConfigResource.topic("audit"), "retention.ms", null));
    }

    @Test
    void theRichImageIsAsDescribed() {
        MetadataImage image = richImage();
        assertEquals(List.of(1, 3), image.cluster().unfencedBrokerIds());
        assertEquals(List.of(1), image.cluster().activeBrokerIds());
        assertTrue(image.cluster().broker(4).fenced() && image.cluster().broker(4).inControlledShutdown());
        assertEquals(List.of(2), image.topics().topic(ORDERS).partition(0).elr());
        assertEquals(LeaderRecoveryState.RECOVERING, image.topics().topic(PAYMENTS).partition(1).leaderRecoveryState());
        assertEquals(MetadataRecord.NO_LEADER, image.topics().topic(PAYMENTS).partition(0).leader());
        assertEquals(2, image.topics().topic(ORDERS).partition(1).leaderEpoch());
        assertEquals(5, image.configs().resources().size());
    }

    @Test
    void anImageRebuiltFromItsRecordsIsEqual() {
        MetadataImage image = richImage();
        MetadataImage rebuilt = MetadataImage.fromRecords(image.toRecords(), image.endOffset());
        assertEquals(image, rebuilt);
        assertEquals(image.hashCode(), rebuilt.hashCode());
        assertEquals(image.toRecords(), rebuilt.toRecords());
    }

    @Test
    void anImageRebuiltThroughTheSnapshotCodecIsEqual() {
        MetadataImage image = richImage();
        byte[] snapshot = MetadataRecordCodec.encodeSnapshot(image.toRecords());
        MetadataImage rebuilt = MetadataImage.fromRecords(MetadataRecordCodec.decodeSnapshot(snapshot),
                image.endOffset());
        assertEquals(image, rebuilt);
    }

    @Test
    void equalityNoticesEveryPart() {
        MetadataImage image = richImage();
        MetadataImage rebuilt = MetadataImage.fromRecords(image.toRecords(), image.endOffset());
        assertNotEquals(image, MetadataImage.fromRecords(image.toRecords(), image.endOffset() + 1));
        assertNotEquals(image, apply(rebuilt, new MetadataRecord.UnfenceBroker(5, 50)));
        assertNotEquals(image.topics(), apply(rebuilt,
                new MetadataRecord.PartitionChange(AUDIT, 3, null, null, null, List.of(), null, null, false)).topics());
        assertNotEquals(image.configs(), apply(rebuilt,
                new MetadataRecord.Config(ConfigResource.topic("orders"), "min.insync.replicas", "3")).configs());
    }

    @Test
    void recordsComeAsBrokersThenTopicsByNameThenConfigs() {
        MetadataImage image = richImage();
        List<MetadataRecord> records = image.toRecords();
        int partitions = image.topics().partitionCount();
        int configs = image.configs().resources().values().stream().mapToInt(values -> values.size()).sum();
        assertEquals(5 + 3 + partitions + configs, records.size());

        List<Integer> brokerIds = new ArrayList<>();
        for (MetadataRecord record : records.subList(0, 5)) {
            brokerIds.add(assertInstanceOf(MetadataRecord.RegisterBroker.class, record).brokerId());
        }
        assertEquals(List.of(1, 2, 3, 4, 5), brokerIds);

        // Each Topic record is followed by its partitions in id order; topics by name.
        List<String> topicNames = new ArrayList<>();
        MetadataRecord.Topic current = null;
        int expectedPartition = 0;
        for (MetadataRecord record : records.subList(5, 5 + 3 + partitions)) {
            if (record instanceof MetadataRecord.Topic topic) {
                current = topic;
                topicNames.add(topic.name());
                expectedPartition = 0;
            } else {
                MetadataRecord.Partition partition = assertInstanceOf(MetadataRecord.Partition.class, record);
                assertNotNull(current);
                assertEquals(current.topicId(), partition.topicId());
                assertEquals(expectedPartition++, partition.partitionId());
            }
        }
        assertEquals(List.of("audit", "orders", "payments"), topicNames);

        for (MetadataRecord record : records.subList(5 + 3 + partitions, records.size())) {
            // A snapshot holds only values that are set: a removed value is simply absent.
            assertNotNull(assertInstanceOf(MetadataRecord.Config.class, record).value());
        }
    }

    @Test
    void theEmptyImageHasNoRecords() {
        assertEquals(List.of(), MetadataImage.EMPTY.toRecords());
        assertEquals(MetadataImage.EMPTY, MetadataImage.fromRecords(List.of(), 0));
    }
}
