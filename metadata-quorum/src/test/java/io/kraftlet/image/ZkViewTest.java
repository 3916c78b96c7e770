package io.kraftlet.image;

import static io.kraftlet.image.ImageFixtures.apply;
import static io.kraftlet.image.ImageFixtures.partition;
import static io.kraftlet.image.ImageFixtures.register;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.controller.ControllerApi;
import io.kraftlet.metadata.MetadataRecord;
import io.kraftlet.metadata.Uuids;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The ZooKeeper-shaped view answers the old paths with the old JSON, computed from the image. */
class ZkViewTest {
    private static final UUID TOPIC = new UUID(0x0123456789abcdefL, 0x0fedcba987654321L);

    private static MetadataImage image() {
        return apply(MetadataImage.EMPTY,
                register(1, 10), register(2, 11), register(3, 12),
                new MetadataRecord.UnfenceBroker(1, 10), new MetadataRecord.UnfenceBroker(3, 12),
                new MetadataRecord.Topic("topic-p3r3", TOPIC),
                partition(TOPIC, 0, 2, 3, 1), partition(TOPIC, 1, 3, 1, 2), partition(TOPIC, 2, 1, 2, 3),
                new MetadataRecord.PartitionChange(TOPIC, 0, 3, List.of(3, 1), null, null, null, null, false));
    }

    private static ControllerApi.ZkNode read(String path) {
        return ZkView.read(path, image(), 101, 7, 1_700_000_000_000L);
    }

    @Test
    void controllerNamesTheActiveControllerAndWhenItTookOver() {
        assertEquals("{\"version\":1,\"brokerid\":101,\"timestamp\":\"1700000000000\"}", read("/controller").data());
        assertEquals("7", read("/controller_epoch").data());
        ControllerApi.ZkNode none = ZkView.read("/controller", image(), -1, 7, -1);
        assertFalse(none.error().isSuccess());
        assertTrue(none.error().message().contains("Node does not exist: /controller"), none.error().message());
    }

    @Test
    void brokerIdsListOnlyLiveBrokers() {
        assertEquals(List.of("1", "3"), read("/brokers/ids").children());
        assertTrue(read("/brokers/ids/1").data().contains("\"endpoints\":[\"PLAINTEXT://broker-1:9092\""),
                read("/brokers/ids/1").data());
        assertFalse(read("/brokers/ids/2").error().isSuccess(), "a fenced broker has no ephemeral node");
    }

    @Test
    void topicJsonHasTheOldShape() {
        assertEquals(List.of("topic-p3r3"), read("/brokers/topics").children());
        assertEquals("{\"partitions\":{\"0\":[2,3,1],\"1\":[3,1,2],\"2\":[1,2,3]},\"topic_id\":\""
                + Uuids.toKafkaString(TOPIC) + "\",\"version\":3}", read("/brokers/topics/topic-p3r3").data());
        assertEquals(List.of("0", "1", "2"), read("/brokers/topics/topic-p3r3/partitions").children());
    }

    @Test
    void partitionStateJsonHasTheOldShape() {
        assertEquals("{\"controller_epoch\":7,\"leader\":3,\"version\":1,\"leader_epoch\":1,\"isr\":[3,1]}",
                read("/brokers/topics/topic-p3r3/partitions/0/state").data());
        assertEquals("{\"controller_epoch\":7,\"leader\":1,\"version\":1,\"leader_epoch\":0,\"isr\":[1,2,3]}",
                read("/brokers/topics/topic-p3r3/partitions/2/state").data());
    }

    @Test
    void unknownPathsSayTheNodeDoesNotExist() {
        for (String path : List.of("/nope", "/brokers/topics/missing", "/brokers/topics/topic-p3r3/partitions/9/state",
                "/brokers/topics/topic-p3r3/partitions/x", "brokers", "", "/brokers/ids/abc")) {
            ControllerApi.ZkNode node = read(path);
            assertFalse(node.error().isSuccess(), path);
            assertTrue(node.error().message().startsWith("Node does not exist: " + path), node.error().message());
        }
        assertEquals(List.of("brokers", "controller", "controller_epoch"), read("/").children());
        assertEquals(read("/brokers/ids").children(), read("/brokers/ids/").children(), "a trailing slash is ignored");
    }
}
