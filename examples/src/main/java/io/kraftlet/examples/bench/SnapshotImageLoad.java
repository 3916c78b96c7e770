package io.kraftlet.examples.bench;

import io.kraftlet.codec.MetadataRecordCodec;
import io.kraftlet.image.MetadataImage;
import io.kraftlet.image.TopicImage;
import io.kraftlet.log.FileSnapshotStore;
import io.kraftlet.log.SnapshotStore;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * What loading a controller snapshot costs the process that loads it, as a broker or a standby
 * controller pays it: the time to read the file, decode its records and build the
 * {@link MetadataImage}, and the heap the image then holds.
 *
 * <p>{@link ControllerBench} runs {@link #main} in a JVM of its own with a fixed, pre-touched
 * heap: in a JVM whose heap is still growing, the operating system committing fresh memory
 * (first-touch page faults) costs more than the decoding and swings the figure tenfold between
 * runs, and the bench's own threads would blur the heap reading.
 *
 * <p>It reads a private copy of the snapshot ({@link FileSnapshotStore} tidies the directory it
 * opens, which must not be a live node's). Single-threaded; it calls {@link System#gc()}.
 */
public final class SnapshotImageLoad {
    /** Loads before any is timed, so the JIT has compiled the decode path. */
    static final int WARMUP_LOADS = 3;
    /** Timed loads; the median is reported. */
    static final int MEASURED_LOADS = 5;
    /** Full collections before a heap reading; the second and later find almost nothing left. */
    private static final int GC_ROUNDS = 3;

    private final Path snapshotDir;

    /** @param snapshotDir a directory holding the copied snapshot file, and nothing a live node uses */
    SnapshotImageLoad(Path snapshotDir) {
        this.snapshotDir = snapshotDir;
    }

    /**
     * Measures the snapshot in the directory {@code args[0]} and prints the result as the last
     * line: {@code {"load_ms":...,"heap_bytes":...,"partitions":...}}. Exit status 2 for bad
     * arguments, 1 when the snapshot cannot be loaded.
     */
    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: SnapshotImageLoad SNAPSHOT_DIR");
            System.exit(2);
        }
        try {
            SnapshotImageLoad load = new SnapshotImageLoad(Path.of(args[0]));
            double loadMs = load.medianLoadMs();
            ImageFootprint footprint = load.footprint();
            System.out.println(String.format(java.util.Locale.ROOT, "{\"load_ms\":%.3f,\"heap_bytes\":%d,\"partitions\":%d}",
                    loadMs, footprint.heapBytes(), footprint.partitions()));
        } catch (RuntimeException failed) {
            System.err.println("SnapshotImageLoad: " + failed);
            failed.printStackTrace();
            System.exit(1);
        }
    }

    /** JVM options for {@link #main}: a fixed heap ample for {@code partitions}, committed and touched at start. */
    static List<String> jvmOptions(long partitions) {
        long megabytes = Math.min(256 + partitions / 250, 16_384);
        return List.of("-Xms" + megabytes + "m", "-Xmx" + megabytes + "m", "-XX:+AlwaysPreTouch");
    }

    /** Reads the newest snapshot in the directory, decodes it and builds the image. */
    MetadataImage load() {
        SnapshotStore.Snapshot snapshot = new FileSnapshotStore(snapshotDir).latest()
                .orElseThrow(() -> new BenchFailedException("no snapshot in " + snapshotDir));
        return MetadataImage.fromRecords(MetadataRecordCodec.decodeSnapshot(snapshot.data()), snapshot.id().endOffset());
    }

    /** The median of {@value #MEASURED_LOADS} timed loads, after {@value #WARMUP_LOADS} untimed ones, in ms. */
    double medianLoadMs() {
        for (int i = 0; i < WARMUP_LOADS; i++) {
            Reference.reachabilityFence(load());
        }
        double[] millis = new double[MEASURED_LOADS];
        for (int i = 0; i < MEASURED_LOADS; i++) {
            long start = System.nanoTime();
            MetadataImage image = load();
            millis[i] = (System.nanoTime() - start) / 1e6;
            Reference.reachabilityFence(image);
        }
        return median(millis);
    }

    /**
     * Heap growth from holding one loaded image: used heap after full collections with the image
     * held, minus the same before it was loaded (the decoded records are garbage by then).
     */
    ImageFootprint footprint() {
        long before = usedHeapAfterGc();
        MetadataImage image = load();
        long after = usedHeapAfterGc();
        ImageFootprint footprint = new ImageFootprint(partitions(image), Math.max(0, after - before));
        Reference.reachabilityFence(image);
        return footprint;
    }

    /** The heap one image holds and how many partitions it has. */
    record ImageFootprint(long partitions, long heapBytes) {
        double bytesPerPartition() {
            return partitions == 0 ? 0 : (double) heapBytes / partitions;
        }
    }

    static long partitions(MetadataImage image) {
        return image.topics().byId().values().stream().mapToLong(TopicImage::partitionCount).sum();
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static long usedHeapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < GC_ROUNDS; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
