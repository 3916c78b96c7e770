package io.kraftlet.examples.client;

import io.kraftlet.replication.ProduceResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kraftlet console-producer}: as {@code kafka-console-producer}, one record per line of
 * standard input, written to the topic through {@link KraftletClient} (partitions in turn, or the
 * one given). It prints nothing when every record is written; each record that fails gets one
 * {@code error: ...} line on stderr, and the exit code is then 1. An unknown topic or no
 * reachable server stops it at once with one line and exit code 1.
 */
@Command(name = "console-producer", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Writes each line of standard input as one record to a topic.",
        footer = {"", "Example:",
                "  echo hello | kraftlet console-producer --bootstrap-server 127.0.0.1:9092 --topic topic-p3r3 --acks all"})
public final class ConsoleProducerCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--bootstrap-server", required = true, paramLabel = "HOST:PORT[,HOST:PORT...]",
            description = "Brokers to ask for metadata, comma-separated; unreachable ones are skipped.")
    private String bootstrapServer;

    @Option(names = "--topic", required = true, paramLabel = "TOPIC", description = "The topic to write to.")
    private String topic;

    @Option(names = "--acks", defaultValue = "all", paramLabel = "all|-1|1|0",
            description = "Acknowledgements the leader waits for (default: ${DEFAULT-VALUE}).")
    private String acks;

    @Option(names = "--partition", paramLabel = "P",
            description = "Write every record to this partition (default: the partitions in turn).")
    private Integer partition;

    @Option(names = "--request-timeout-ms", defaultValue = "10000", paramLabel = "MS",
            description = "How long one write may take; acks=all waits this long for the ISR (default: ${DEFAULT-VALUE}).")
    private int requestTimeoutMs;

    private final InputStream in;

    /** Reads standard input. */
    public ConsoleProducerCommand() {
        this(System.in);
    }

    /** Reads {@code in} (tests). */
    ConsoleProducerCommand(InputStream in) {
        this.in = in;
    }

    @Override
    public Integer call() throws IOException {
        int requiredAcks = ClientTools.parseAcks(spec, acks);
        ClientTools.atLeast(spec, "--request-timeout-ms", requestTimeoutMs, 1);
        PrintWriter err = spec.commandLine().getErr();
        int failures = 0;
        try (KraftletClient client = ClientTools.client(spec, bootstrapServer, requestTimeoutMs)) {
            ClusterMetadata.Topic target = client.topic(topic, ClientTools.TOPIC_WAIT_MS);
            int partitions = target.partitions().size();
            if (partition != null) {
                ClientTools.checkPartition(target, partition);
            }
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            long number = 0;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                int p = partition != null ? partition : (int) (number % partitions);
                number++;
                ProduceResult result = client.produce(topic, p, List.of(line.getBytes(StandardCharsets.UTF_8)),
                        requiredAcks);
                if (!result.isSuccess()) {
                    failures++;
                    err.println("error: record " + number + " to " + topic + "-" + p + " failed: " + result.error()
                            + (result.message().isEmpty() ? "" : " (" + result.message() + ")"));
                    err.flush();
                }
            }
        }
        return failures == 0 ? 0 : 1;
    }
}
