package io.kraftlet.examples.client;

import io.kraftlet.replication.ReplicationError;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kraftlet console-consumer}: as {@code kafka-console-consumer}, prints the value of each
 * committed record of a topic (or of one partition), one per line. It starts at the end of each
 * partition, or at its log start with {@code --from-beginning}; it stops after
 * {@code --max-messages} records, or once {@code --timeout-ms} passes with nothing new, and
 * then prints {@code Processed a total of N messages} on stderr, as Kafka's does. Partitions are
 * read in turn from their leaders; when none has anything new it polls again after
 * {@link #POLL_BACKOFF_MS}.
 */
@Command(name = "console-consumer", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Prints the records of a topic, one value per line.",
        footer = {"", "Example:",
                "  kraftlet console-consumer --bootstrap-server 127.0.0.1:9092 --topic topic-p3r3 --from-beginning"
                        + " --max-messages 10"})
public final class ConsoleConsumerCommand implements Callable<Integer> {
    /** The wait before asking again when no partition had anything new. */
    static final long POLL_BACKOFF_MS = 100;
    /** The most record bytes one fetch asks for. */
    static final int FETCH_MAX_BYTES = 1 << 20;

    @Spec
    private CommandSpec spec;

    @Option(names = "--bootstrap-server", required = true, paramLabel = "HOST:PORT[,HOST:PORT...]",
            description = "Brokers to ask for metadata, comma-separated; unreachable ones are skipped.")
    private String bootstrapServer;

    @Option(names = "--topic", required = true, paramLabel = "TOPIC", description = "The topic to read.")
    private String topic;

    @Option(names = "--partition", paramLabel = "P", description = "Read only this partition (default: all).")
    private Integer partition;

    @Option(names = "--from-beginning",
            description = "Start at the oldest record of each partition rather than at its end.")
    private boolean fromBeginning;

    @Option(names = "--max-messages", defaultValue = "-1", paramLabel = "N",
            description = "Stop after this many records (default: no limit).")
    private long maxMessages;

    @Option(names = "--timeout-ms", defaultValue = "-1", paramLabel = "MS",
            description = "Stop when no record arrived for this long (default: never).")
    private long timeoutMs;

    @Override
    public Integer call() {
        if (maxMessages != -1) {
            ClientTools.atLeast(spec, "--max-messages", maxMessages, 1);
        }
        if (timeoutMs != -1) {
            ClientTools.atLeast(spec, "--timeout-ms", timeoutMs, 0);
        }
        PrintWriter out = spec.commandLine().getOut();
        long consumed = 0;
        try (KraftletClient client = ClientTools.client(spec, bootstrapServer, 10_000)) {
            ClusterMetadata.Topic target = client.topic(topic, ClientTools.TOPIC_WAIT_MS);
            List<Integer> partitions = new ArrayList<>();
            if (partition != null) {
                partitions.add(ClientTools.checkPartition(target, partition));
            } else {
                target.partitions().forEach(p -> partitions.add(p.partition()));
            }
            TreeMap<Integer, Long> positions = new TreeMap<>();
            for (int p : partitions) {
                positions.put(p, startOffset(client, p));
            }
            long lastNewNs = System.nanoTime();
            while (maxMessages < 0 || consumed < maxMessages) {
                boolean anythingNew = false;
                for (int p : partitions) {
                    FetchResult fetched = client.fetch(topic, p, positions.get(p), FETCH_MAX_BYTES);
                    if (fetched.error() == ReplicationError.OFFSET_OUT_OF_RANGE) {
                        // As Kafka's auto.offset.reset: earliest with --from-beginning, else latest.
                        positions.put(p, fromBeginning ? fetched.logStartOffset() : fetched.highWatermark());
                        continue;
                    }
                    failUnlessSuccess(fetched, p);
                    for (FetchResult.ConsumedRecord record : fetched.records()) {
                        if (maxMessages >= 0 && consumed >= maxMessages) {
                            break;
                        }
                        out.println(new String(record.value(), StandardCharsets.UTF_8));
                        positions.put(p, record.offset() + 1);
                        consumed++;
                        anythingNew = true;
                    }
                    out.flush();
                }
                if (anythingNew) {
                    lastNewNs = System.nanoTime();
                } else if (timeoutMs >= 0 && System.nanoTime() - lastNewNs >= TimeUnit.MILLISECONDS.toNanos(timeoutMs)) {
                    break;
                } else {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(POLL_BACKOFF_MS));
                }
            }
        }
        out.flush();
        PrintWriter err = spec.commandLine().getErr();
        err.println("Processed a total of " + consumed + " messages");
        err.flush();
        return 0;
    }

    /** The log start offset with --from-beginning, else the high watermark: where new records will be. */
    private long startOffset(KraftletClient client, int p) {
        FetchResult probe = client.fetch(topic, p, 0, 1);
        if (probe.error() != ReplicationError.OFFSET_OUT_OF_RANGE) {
            failUnlessSuccess(probe, p);
        }
        if (fromBeginning) {
            return Math.max(0, probe.logStartOffset());
        }
        return Math.max(0, probe.highWatermark());
    }

    private void failUnlessSuccess(FetchResult fetched, int p) {
        if (!fetched.isSuccess()) {
            throw new ClientException("fetch from " + topic + "-" + p + " failed: " + fetched.error()
                    + (fetched.message().isEmpty() ? "" : " (" + fetched.message() + ")"));
        }
    }
}
