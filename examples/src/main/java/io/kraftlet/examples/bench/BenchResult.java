package io.kraftlet.examples.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What one quorum benchmark run measured, and the single JSON object it is reported as. The
 * leader's process writes it to its result file; the coordinator reads it back and prints it.
 * The JSON is written by hand (flat, fixed key order) so the bench needs no JSON library.
 *
 * @param recordsPerSec records committed per second during the measured window
 * @param mbPerSec record payload committed per second, in MB (10^6 bytes), framing excluded
 * @param p50Ms median latency of one {@code append()} from the call to its commit
 * @param p99Ms 99th percentile of that latency
 * @param p999Ms 99.9th percentile of that latency
 * @param options the shape of the run
 * @param errors appends that failed, warm-up included
 * @param failure why the run is not valid (leadership moved, ...), or null when it is
 */
public record BenchResult(double recordsPerSec, double mbPerSec, double p50Ms, double p99Ms, double p999Ms,
        BenchOptions options, long errors, String failure) {

    /** MetadataQuorum fsyncs on every flush; there is no way to turn it off. */
    static final boolean FSYNC = true;

    /** The result as one line of JSON; {@code failure} is present only when the run failed. */
    public String toJson() {
        StringBuilder json = new StringBuilder(256);
        json.append('{')
                .append("\"records_per_sec\":").append(decimal(recordsPerSec, 1))
                .append(",\"mb_per_sec\":").append(decimal(mbPerSec, 3))
                .append(",\"p50_ms\":").append(decimal(p50Ms, 3))
                .append(",\"p99_ms\":").append(decimal(p99Ms, 3))
                .append(",\"p999_ms\":").append(decimal(p999Ms, 3))
                .append(",\"voters\":").append(options.voters())
                .append(",\"record_size\":").append(options.recordSize())
                .append(",\"batch\":").append(options.batch())
                .append(",\"outstanding\":").append(options.outstanding())
                .append(",\"warmup_s\":").append(options.warmupS())
                .append(",\"duration_s\":").append(options.durationS())
                .append(",\"fsync\":").append(FSYNC)
                .append(",\"errors\":").append(errors);
        if (failure != null) {
            json.append(",\"failure\":");
            FlatJson.appendString(json, failure);
        }
        return json.append('}').toString();
    }

    /**
     * Reads back what {@link #toJson()} wrote; throws IllegalArgumentException naming what is
     * missing or malformed.
     */
    public static BenchResult parse(String json) {
        Map<String, String> fields = new LinkedHashMap<>(FlatJson.parse(json));
        BenchOptions options = new BenchOptions(integer(fields, "voters"), integer(fields, "record_size"),
                integer(fields, "batch"), integer(fields, "outstanding"), integer(fields, "warmup_s"),
                integer(fields, "duration_s"));
        return new BenchResult(number(fields, "records_per_sec"), number(fields, "mb_per_sec"),
                number(fields, "p50_ms"), number(fields, "p99_ms"), number(fields, "p999_ms"), options,
                Long.parseLong(required(fields, "errors")), fields.get("failure"));
    }

    private static String decimal(double value, int digits) {
        // Locale.ROOT: a JSON number never takes a decimal comma, whatever the machine's locale.
        return String.format(Locale.ROOT, "%." + digits + "f", value);
    }

    private static String required(Map<String, String> fields, String key) {
        String value = fields.get(key);
        if (value == null) {
            throw new IllegalArgumentException("the bench result has no \"" + key + "\"");
        }
        return value;
    }

    private static int integer(Map<String, String> fields, String key) {
        return Integer.parseInt(required(fields, key));
    }

    private static double number(Map<String, String> fields, String key) {
        return Double.parseDouble(required(fields, key));
    }
}
