package io.kraftlet.image;

import static io.kraftlet.image.ImageFixtures.partition;
import static io.kraftlet.image.ImageFixtures.register;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.codec.MetadataRecordCodec;
import io.kraftlet.log.SnapshotStore;
import io.kraftlet.metadata.MetadataRecord;
import io.kraftlet.raft.Batch;
import io.kraftlet.raft.LeaderAndEpoch;
import io.kraftlet.raft.SnapshotId;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The loader turns committed batches into images in offset order, control batches included. */
class MetadataLoaderTest {
    private static final UUID TOPIC = new UUID(7, 7);

    private final List<MetadataImage> published = new ArrayList<>();
    private final List<Integer> recordsPerDelta = new ArrayList<>();
    private final MetadataLoader loader = new MetadataLoader(MetadataRecordCodec::decode,
            MetadataRecordCodec::decodeSnapshot).addListener((delta, image) -> {
                published.add(image);
                recordsPerDelta.add(delta.recordCount());
            });

    private static Batch batch(long baseOffset, int epoch, MetadataRecord... records) {
        List<byte[]> encoded = new ArrayList<>();
        for (MetadataRecord record : records) {
            encoded.add(MetadataRecordCodec.encode(record));
        }
        return new Batch(baseOffset, epoch, 1000 + baseOffset, false, encoded);
    }

    @Test
    void eachCommittedBatchPublishesTheNextImage() {
        loader.handleCommit(new Batch(0, 1, 500, true, List.of(new byte[] {1})));
        loader.handleCommit(batch(1, 1, register(1, 1), new MetadataRecord.Topic("t", TOPIC), partition(TOPIC, 0, 1)));
        loader.handleCommit(batch(4, 1, new MetadataRecord.UnfenceBroker(1, 1)));
        assertEquals(List.of(1L, 4L, 5L), published.stream().map(MetadataImage::endOffset).toList());
        assertEquals(List.of(0, 3, 1), recordsPerDelta, "a control batch moves the offset only");
        assertNotNull(loader.image().topics().topic("t"));
        assertTrue(!loader.image().cluster().broker(1).fenced());
        assertEquals(500, loader.leaderSinceMs(), "the first batch of the epoch says when its leader took over");
    }

    @Test
    void aSnapshotReplacesTheImageAndOlderBatchesAreIgnored() {
        MetadataImage image = ImageFixtures.apply(MetadataImage.EMPTY, register(2, 3), new MetadataRecord.Topic("s", TOPIC),
                partition(TOPIC, 0, 2));
        byte[] data = MetadataRecordCodec.encodeSnapshot(image.toRecords());
        loader.handleLoadSnapshot(new SnapshotStore.Snapshot(new SnapshotId(40, 2), data));
        loader.handleCommit(batch(39, 2, new MetadataRecord.NoOp()));
        assertEquals(List.of(40L), published.stream().map(MetadataImage::endOffset).toList(),
                "a batch below the snapshot is already in it");
        assertEquals(image.topics(), loader.image().topics());
        assertEquals(image.cluster(), loader.image().cluster());
    }

    @Test
    void leaderChangesReachLeaderListeners() {
        List<LeaderAndEpoch> seen = new ArrayList<>();
        loader.addLeaderListener(seen::add);
        loader.handleLeaderChange(LeaderAndEpoch.of(2, 5));
        assertEquals(List.of(LeaderAndEpoch.of(2, 5)), seen);
        assertEquals(LeaderAndEpoch.of(2, 5), loader.leader());
    }
}
