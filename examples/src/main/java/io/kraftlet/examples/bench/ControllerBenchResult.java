package io.kraftlet.examples.bench;

import java.util.Locale;
import java.util.Map;

/**
 * What one controller benchmark run measured, and the single JSON object it is reported as
 * (flat, fixed key order, written by hand like {@link BenchResult}).
 *
 * @param createPartitionsMs wall time to create every partition through the active controller,
 *     from the first CreateTopics request to the last answer (answers come once committed)
 * @param imageBytesPerPartition heap held by the metadata image loaded from the snapshot,
 *     divided by its partitions
 * @param snapshotBytes size of the controller's snapshot file that holds every partition
 * @param snapshotLoadMs median time to read that file, decode its records and build the image
 * @param failoverPartitions partitions led by the broker that was fenced
 * @param failoverMs time from the fencing heartbeat to its answer, which comes once the fencing
 *     and every leadership and ISR change it caused are committed
 */
public record ControllerBenchResult(double createPartitionsMs, double imageBytesPerPartition, long snapshotBytes,
        double snapshotLoadMs, long failoverPartitions, double failoverMs) {

    /** The result as one line of JSON. */
    public String toJson() {
        return "{\"create_partitions_ms\":" + decimal(createPartitionsMs)
                + ",\"image_bytes_per_partition\":" + decimal(imageBytesPerPartition)
                + ",\"snapshot_bytes\":" + snapshotBytes
                + ",\"snapshot_load_ms\":" + decimal(snapshotLoadMs)
                + ",\"failover_partitions\":" + failoverPartitions
                + ",\"failover_ms\":" + decimal(failoverMs) + "}";
    }

    /**
     * Reads back what {@link #toJson()} wrote; throws IllegalArgumentException naming what is
     * missing or malformed.
     */
    public static ControllerBenchResult parse(String json) {
        Map<String, String> fields = FlatJson.parse(json);
        return new ControllerBenchResult(number(fields, "create_partitions_ms"),
                number(fields, "image_bytes_per_partition"), (long) number(fields, "snapshot_bytes"),
                number(fields, "snapshot_load_ms"), (long) number(fields, "failover_partitions"),
                number(fields, "failover_ms"));
    }

    private static String decimal(double value) {
        // Locale.ROOT: a JSON number never takes a decimal comma, whatever the machine's locale.
        return String.format(Locale.ROOT, "%.1f", value);
    }

    private static double number(Map<String, String> fields, String key) {
        String value = fields.get(key);
        if (value == null) {
            throw new IllegalArgumentException("the controller bench result has no \"" + key + "\"");
        }
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException notANumber) {
            throw new IllegalArgumentException("the controller bench result's \"" + key + "\" is not a number: " + value);
        }
    }
}
