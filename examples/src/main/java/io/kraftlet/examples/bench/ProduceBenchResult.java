package io.kraftlet.examples.bench;

import java.util.Locale;
import java.util.Map;

/**
 * What one produce benchmark run measured, and the single JSON object it is reported as (flat,
 * fixed key order, written by hand like {@link BenchResult}). The client process prints it as
 * its last line; the bench reads it back and prints it as its own.
 *
 * @param recordsPerSec records acknowledged per second during the measured window
 * @param mbPerSec record payload acknowledged per second, in MB (10^6 bytes)
 * @param p50Ms median latency of one produce request, from sending it to its answer
 * @param p99Ms 99th percentile of that latency
 * @param p999Ms 99.9th percentile of that latency
 * @param options the shape of the run
 * @param errors requests that failed, warm-up included
 * @param failure why the run is not valid, or null when it is
 */
public record ProduceBenchResult(double recordsPerSec, double mbPerSec, double p50Ms, double p99Ms, double p999Ms,
        ProduceBenchOptions options, long errors, String failure) {

    /** What the closed loop measured, for a run of {@code options}. */
    static ProduceBenchResult of(BenchResult load, ProduceBenchOptions options) {
        return new ProduceBenchResult(load.recordsPerSec(), load.mbPerSec(), load.p50Ms(), load.p99Ms(), load.p999Ms(),
                options, load.errors(), load.failure());
    }

    /** The result as one line of JSON; {@code failure} is present only when the run failed. */
    public String toJson() {
        StringBuilder json = new StringBuilder(320);
        json.append('{')
                .append("\"records_per_sec\":").append(decimal(recordsPerSec, 1))
                .append(",\"mb_per_sec\":").append(decimal(mbPerSec, 3))
                .append(",\"p50_ms\":").append(decimal(p50Ms, 3))
                .append(",\"p99_ms\":").append(decimal(p99Ms, 3))
                .append(",\"p999_ms\":").append(decimal(p999Ms, 3))
                .append(",\"acks\":");
        FlatJson.appendString(json, ProduceBenchOptions.acksName(options.acks()));
        json.append(",\"record_size\":").append(options.recordSize())
                .append(",\"partitions\":").append(options.partitions())
                .append(",\"batch_bytes\":").append(options.requestBytes())
                .append(",\"batch_records\":").append(options.batchRecords())
                .append(",\"in_flight\":").append(options.inFlight())
                .append(",\"warmup_s\":").append(options.warmupS())
                .append(",\"duration_s\":").append(options.durationS())
                .append(",\"errors\":").append(errors);
        if (failure != null) {
            json.append(",\"failure\":");
            FlatJson.appendString(json, failure);
        }
        return json.append('}').toString();
    }

    /**
     * Reads back what {@link #toJson()} wrote; throws IllegalArgumentException naming what is
     * missing or malformed. {@code batch_bytes} is read as the request size, which gives the same
     * records per request.
     */
    public static ProduceBenchResult parse(String json) {
        Map<String, String> fields = FlatJson.parse(json);
        ProduceBenchOptions options = new ProduceBenchOptions(ProduceBenchOptions.parseAcks(required(fields, "acks")),
                integer(fields, "record_size"), integer(fields, "partitions"), integer(fields, "batch_bytes"),
                integer(fields, "in_flight"), integer(fields, "warmup_s"), integer(fields, "duration_s"));
        return new ProduceBenchResult(number(fields, "records_per_sec"), number(fields, "mb_per_sec"),
                number(fields, "p50_ms"), number(fields, "p99_ms"), number(fields, "p999_ms"), options,
                (long) number(fields, "errors"), fields.get("failure"));
    }

    private static String decimal(double value, int digits) {
        // Locale.ROOT: a JSON number never takes a decimal comma, whatever the machine's locale.
        return String.format(Locale.ROOT, "%." + digits + "f", value);
    }

    private static String required(Map<String, String> fields, String key) {
        String value = fields.get(key);
        if (value == null) {
            throw new IllegalArgumentException("the produce bench result has no \"" + key + "\"");
        }
        return value;
    }

    private static int integer(Map<String, String> fields, String key) {
        return (int) number(fields, key);
    }

    private static double number(Map<String, String> fields, String key) {
        String value = required(fields, key);
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException notANumber) {
            throw new IllegalArgumentException("the produce bench result's \"" + key + "\" is not a number: " + value);
        }
    }
}
