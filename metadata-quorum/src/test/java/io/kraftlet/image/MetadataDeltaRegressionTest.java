package io.kraftlet.image;

import static io.kraftlet.image.ImageFixtures.*;
import static org.junit.jupiter.api.Assertions.*;

import io.kraftlet.metadata.ConfigResource;
import io.kraftlet.metadata.MetadataRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Regressions found in review: each failed before the fix it names. */
class MetadataDeltaRegressionTest {
    @Test
    void aConfigSetEarlierInTheDeltaGoesWithTheRemovedTopic() {
        MetadataImage image = apply(twoTopics(),
                new MetadataRecord.Config(ConfigResource.topic("orders"), "retention.ms", "5"),
                new MetadataRecord.RemoveTopic(ORDERS));
        assertEquals(Map.of(), image.configs().valuesOf(ConfigResource.topic("orders")));
    }

    @Test
    void aTopicCreatedAndRemovedInOneDeltaLeavesNoConfigs() {
        MetadataImage image = apply(twoTopics(), new MetadataRecord.Topic("audit", AUDIT), partition(AUDIT, 0, 1),
                new MetadataRecord.Config(ConfigResource.topic("audit"), "retention.ms", "5"),
                new MetadataRecord.RemoveTopic(AUDIT));
        assertEquals(Map.of(), image.configs().valuesOf(ConfigResource.topic("audit")));
    }

    @Test
    void replayingAfterApplyDoesNotChangeTheAppliedImage() {
        MetadataImage base = twoTopics();
        MetadataDelta delta = delta(base, isrChange(ORDERS, 0, 1));
        MetadataImage first = delta.apply(base.endOffset() + 1);
        PartitionRegistration before = first.topics().topic(ORDERS).partition(1);
        delta.replay(leaderChange(ORDERS, 1, 3), base.endOffset() + 1);
        assertSame(before, first.topics().topic(ORDERS).partition(1));
    }

    @Test
    void aNegativePartitionIdIsAnIllegalState() {
        assertThrows(IllegalStateException.class, () -> delta(twoTopics(), partition(ORDERS, -1, 1)));
    }

    @Test
    void manyTopicsLoadInLinearTime() {
        List<MetadataRecord> records = new ArrayList<>();
        for (int t = 0; t < 30_000; t++) {
            UUID id = new UUID(7, t);
            records.add(new MetadataRecord.Topic("t" + t, id));
            records.add(partition(id, 0, 1));
        }
        assertTimeoutPreemptively(java.time.Duration.ofSeconds(3), () -> MetadataImage.fromRecords(records, 1));
    }
}
