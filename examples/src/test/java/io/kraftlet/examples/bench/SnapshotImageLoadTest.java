package io.kraftlet.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.codec.MetadataRecordCodec;
import io.kraftlet.image.MetadataImage;
import io.kraftlet.log.FileSnapshotStore;
import io.kraftlet.log.SnapshotStore;
import io.kraftlet.metadata.MetadataRecord;
import io.kraftlet.raft.SnapshotId;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotImageLoadTest {
    @TempDir
    Path dir;

    @Test
    void loadsTheNewestSnapshotIntoAnImageAndMeasuresIt() {
        List<MetadataRecord> records = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            UUID topicId = new UUID(7, t);
            records.add(new MetadataRecord.Topic("t" + t, topicId));
            for (int p = 0; p < 100; p++) {
                records.add(new MetadataRecord.Partition(topicId, p, List.of(1, 2, 3), List.of(1, 2, 3), List.of(),
                        List.of(), 1, io.kraftlet.metadata.LeaderRecoveryState.RECOVERED, 0, 0));
            }
        }
        new FileSnapshotStore(dir).write(new SnapshotStore.Snapshot(new SnapshotId(500, 1),
                MetadataRecordCodec.encodeSnapshot(records)));
        SnapshotImageLoad load = new SnapshotImageLoad(dir);

        MetadataImage image = load.load();

        assertEquals(500, image.endOffset());
        assertEquals(300, SnapshotImageLoad.partitions(image));
        assertTrue(load.medianLoadMs() > 0);
        SnapshotImageLoad.ImageFootprint footprint = load.footprint();
        assertEquals(300, footprint.partitions());
        assertTrue(footprint.heapBytes() >= 0);
    }

    @Test
    void theMedianOfAnOddAndAnEvenCount() {
        assertEquals(3.0, SnapshotImageLoad.median(new double[] {9, 1, 3}));
        assertEquals(2.5, SnapshotImageLoad.median(new double[] {4, 1, 3, 2}));
    }

    @Test
    void theLoadingJvmHasAFixedPreTouchedHeap() {
        assertEquals(List.of("-Xms656m", "-Xmx656m", "-XX:+AlwaysPreTouch"), SnapshotImageLoad.jvmOptions(100_000));
    }
}
