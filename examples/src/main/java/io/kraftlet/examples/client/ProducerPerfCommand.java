package io.kraftlet.examples.client;

import io.kraftlet.replication.ProduceResult;
import java.io.PrintWriter;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kraftlet producer-perf}: as Kafka's {@code kafka-producer-perf-test}, writes
 * {@code --num-records} records of {@code --record-size} random bytes to a topic (partitions in
 * turn, up to {@link KraftletClient#MAX_IN_FLIGHT} requests at once), at most
 * {@code --throughput} records a second ({@code -1}: as fast as it can, with up to
 * {@link #BATCH_RECORDS_MAX} records per request as Kafka's producer batches them; a record's
 * latency is then its request's), and prints
 * {@link PerfStats}' progress lines every {@code --reporting-interval} ms and the summary with
 * latency percentiles at the end. A failed record is counted, the first failure is reported on
 * stderr after the summary, and the exit code is then 1.
 */
@Command(name = "producer-perf", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Measures produce throughput and latency, as kafka-producer-perf-test.",
        footer = {"", "Example:",
                "  kraftlet producer-perf --topic topic-p3r3 --num-records 100000 --record-size 100 --acks all"
                        + " --throughput -1 --bootstrap-server 127.0.0.1:9092"})
public final class ProducerPerfCommand implements Callable<Integer> {
    /** The most records one request carries, as Kafka's producer batches records per partition. */
    static final int BATCH_RECORDS_MAX = 200;
    /** The most record bytes one request carries, well below the default {@code message.max.bytes}. */
    static final int BATCH_BYTES_MAX = 256 * 1024;

    @Spec
    private CommandSpec spec;

    @Option(names = "--topic", required = true, paramLabel = "TOPIC", description = "The topic to write to.")
    private String topic;

    @Option(names = "--num-records", required = true, paramLabel = "N", description = "How many records to write.")
    private long numRecords;

    @Option(names = "--record-size", required = true, paramLabel = "BYTES", description = "The size of each record.")
    private int recordSize;

    @Option(names = "--throughput", required = true, paramLabel = "RECORDS/SEC",
            description = "At most this many records a second; -1 for no limit.")
    private double throughput;

    @Option(names = "--acks", defaultValue = "all", paramLabel = "all|-1|1|0",
            description = "Acknowledgements the leader waits for (default: ${DEFAULT-VALUE}).")
    private String acks;

    @Option(names = "--bootstrap-server", required = true, paramLabel = "HOST:PORT[,HOST:PORT...]",
            description = "Brokers to ask for metadata, comma-separated; unreachable ones are skipped.")
    private String bootstrapServer;

    @Option(names = "--reporting-interval", defaultValue = "5000", paramLabel = "MS",
            description = "Milliseconds between progress lines (default: ${DEFAULT-VALUE}).")
    private long reportingIntervalMs;

    @Override
    public Integer call() throws InterruptedException {
        int requiredAcks = ClientTools.parseAcks(spec, acks);
        ClientTools.atLeast(spec, "--num-records", numRecords, 1);
        ClientTools.atLeast(spec, "--record-size", recordSize, 1);
        ClientTools.atLeast(spec, "--reporting-interval", reportingIntervalMs, 1);
        if (throughput != -1 && throughput <= 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--throughput must be > 0 or -1 (no limit), got " + throughput);
        }
        PrintWriter out = spec.commandLine().getOut();
        byte[] payload = payload(recordSize);
        AtomicLong failures = new AtomicLong();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        PerfStats stats;
        try (KraftletClient client = ClientTools.client(spec, bootstrapServer, 30_000)) {
            int partitions = client.topic(topic, ClientTools.TOPIC_WAIT_MS).partitions().size();
            Semaphore inFlight = new Semaphore(KraftletClient.MAX_IN_FLIGHT);
            long startNs = System.nanoTime();
            stats = new PerfStats(out, reportingIntervalMs, startNs);
            long sent = 0;
            for (long request = 0; sent < numRecords; request++) {
                if (throughput > 0) {
                    long dueNs = startNs + (long) (sent * 1e9 / throughput);
                    long waitNs = dueNs - System.nanoTime();
                    if (waitNs > 0) {
                        LockSupport.parkNanos(waitNs);
                    }
                }
                int batchRecords = (int) Math.min(numRecords - sent, throughput > 0 ? 1 : batchRecordsMax(recordSize));
                sent += batchRecords;
                inFlight.acquire();
                long sentNs = System.nanoTime();
                PerfStats windowStats = stats;
                client.produceAsync(topic, (int) (request % partitions), java.util.Collections.nCopies(batchRecords,
                        payload), requiredAcks)
                        .whenComplete((result, failure) -> {
                            long nowNs = System.nanoTime();
                            if (failure == null && result.isSuccess()) {
                                for (int r = 0; r < batchRecords; r++) {
                                    windowStats.record(TimeUnit.NANOSECONDS.toMillis(nowNs - sentNs), payload.length,
                                            nowNs);
                                }
                            } else {
                                failures.addAndGet(batchRecords);
                                firstFailure.compareAndSet(null, describe(result, failure));
                            }
                            inFlight.release();
                        });
            }
            inFlight.acquire(KraftletClient.MAX_IN_FLIGHT);
            out.println(stats.summary(System.nanoTime()));
            out.flush();
        }
        if (failures.get() > 0) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("error: " + failures.get() + " of " + numRecords + " records failed; the first: "
                    + firstFailure.get());
            err.flush();
            return 1;
        }
        return 0;
    }

    /**
     * Records per request without a throughput limit: as many as fit in {@link #BATCH_BYTES_MAX},
     * at most {@link #BATCH_RECORDS_MAX}, at least one. With a limit, each record goes alone, so
     * its latency is its own.
     */
    static int batchRecordsMax(int recordSize) {
        return (int) Math.max(1, Math.min(BATCH_RECORDS_MAX, BATCH_BYTES_MAX / recordSize));
    }

    private static String describe(ProduceResult result, Throwable failure) {
        if (failure != null) {
            Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
            return String.valueOf(cause.getMessage());
        }
        return result.error() + (result.message().isEmpty() ? "" : " (" + result.message() + ")");
    }

    /** Random upper-case letters, as Kafka's tool writes when given no payload file. */
    private static byte[] payload(int size) {
        Random random = new Random();
        byte[] payload = new byte[size];
        for (int i = 0; i < size; i++) {
            payload[i] = (byte) ('A' + random.nextInt(26));
        }
        return payload;
    }
}
