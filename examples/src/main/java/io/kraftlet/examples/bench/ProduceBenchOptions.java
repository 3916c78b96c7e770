package io.kraftlet.examples.bench;

import io.kraftlet.replication.ProduceAcks;
import io.kraftlet.replication.ReplicationConfig;
import java.util.List;

/**
 * The shape of one produce benchmark run: what the client process sends to the partition
 * leaders of a topic of {@code partitions} partitions (replication factor 3,
 * min.insync.replicas 2).
 *
 * @param acks {@link ProduceAcks#ALL} or {@link ProduceAcks#LEADER}
 * @param recordSize bytes of each record
 * @param partitions partitions of the topic; requests go round-robin over them
 * @param batchBytes record bytes one produce request aims at; it carries
 *     {@link #batchRecords()} whole records
 * @param inFlight produce requests in flight per partition (Kafka's
 *     {@code max.in.flight.requests.per.connection}), so {@code inFlight × partitions} in all
 * @param warmupS seconds of load before anything is measured
 * @param durationS seconds measured after the warm-up
 */
public record ProduceBenchOptions(int acks, int recordSize, int partitions, int batchBytes, int inFlight, int warmupS,
        int durationS) {
    /** Bound on the topic, so a typo cannot create a partition per core of a large machine for a bench. */
    static final int PARTITIONS_MAX = 1000;
    /** Bound on requests in flight per partition: each holds a slot in the leader's purgatory. */
    static final int IN_FLIGHT_MAX = 100;
    /** The largest request a broker accepts with the default {@code message.max.bytes}. */
    static final int REQUEST_BYTES_MAX = ReplicationConfig.DEFAULT.messageMaxBytes();

    /**
     * Checks the options, throwing {@link IllegalArgumentException} with one line that names the
     * first bad option and says what is allowed.
     */
    public ProduceBenchOptions validate() {
        if (acks != ProduceAcks.ALL && acks != ProduceAcks.LEADER) {
            throw new IllegalArgumentException("--acks must be all or 1, got " + acks);
        }
        between("--record-size", recordSize, 1, REQUEST_BYTES_MAX);
        between("--partitions", partitions, 1, PARTITIONS_MAX);
        between("--batch-bytes", batchBytes, 1, REQUEST_BYTES_MAX);
        between("--in-flight", inFlight, 1, IN_FLIGHT_MAX);
        between("--warmup", warmupS, 0, BenchOptions.PHASE_MAX_S);
        between("--duration", durationS, 1, BenchOptions.PHASE_MAX_S);
        return this;
    }

    /** {@code all} or {@code 1}, as the option and the result spell it. */
    static String acksName(int acks) {
        return acks == ProduceAcks.ALL ? "all" : Integer.toString(acks);
    }

    /** Reads {@code --acks}: {@code all} (or -1) or {@code 1}; throws IllegalArgumentException otherwise. */
    static int parseAcks(String text) {
        String value = text.trim();
        if (value.equalsIgnoreCase("all") || value.equals("-1")) {
            return ProduceAcks.ALL;
        }
        if (value.equals("1")) {
            return ProduceAcks.LEADER;
        }
        throw new IllegalArgumentException("--acks must be all or 1, got " + text);
    }

    /** Whole records per request: as many as fit in {@code batchBytes}, at least one. */
    int batchRecords() {
        return Math.max(1, batchBytes / recordSize);
    }

    /** Record bytes of one request as sent. */
    int requestBytes() {
        return batchRecords() * recordSize;
    }

    /** The closed loop that drives the load: every partition's requests in flight together. */
    BenchOptions loadOptions() {
        return new BenchOptions(3, recordSize, batchRecords(), inFlight * partitions, warmupS, durationS);
    }

    /** The options as the client process's command line takes them back. */
    List<String> toArgs() {
        return List.of("--acks", acksName(acks), "--record-size", Integer.toString(recordSize), "--partitions",
                Integer.toString(partitions), "--batch-bytes", Integer.toString(batchBytes), "--in-flight",
                Integer.toString(inFlight), "--warmup", Integer.toString(warmupS), "--duration",
                Integer.toString(durationS));
    }

    private static void between(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(option + " must be between " + min + " and " + max + ", got " + value);
        }
    }
}
