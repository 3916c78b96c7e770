package io.kraftlet.examples.client;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * What the client tools ({@code console-producer}, {@code console-consumer},
 * {@code producer-perf}) share: reading {@code --acks} and {@code --bootstrap-server} as Kafka's
 * tools do, and building a {@link KraftletClient}. A bad value is a {@link ParameterException},
 * so it is reported as one line with a pointer to {@code --help}.
 */
final class ClientTools {
    /** How long a tool waits for a topic to appear in a broker's image before calling it unknown. */
    static final long TOPIC_WAIT_MS = 2_000;

    private ClientTools() {
    }

    /** {@code all} or {@code -1}, {@code 1}, {@code 0}, as Kafka's {@code acks}. */
    static int parseAcks(CommandSpec spec, String acks) {
        switch (acks.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "all":
            case "-1":
                return -1;
            case "1":
                return 1;
            case "0":
                return 0;
            default:
                throw new ParameterException(spec.commandLine(), "--acks must be all, -1, 1 or 0, got '" + acks + "'");
        }
    }

    /** A client of the given servers; a malformed list is a bad command line. */
    static KraftletClient client(CommandSpec spec, String bootstrapServers, int requestTimeoutMs) {
        KraftletClient.Builder builder = KraftletClient.builder().requestTimeoutMs(requestTimeoutMs)
                .deliveryTimeoutMs(Math.max(30_000L, 3L * requestTimeoutMs));
        try {
            builder.bootstrapServers(bootstrapServers);
        } catch (IllegalArgumentException bad) {
            throw new ParameterException(spec.commandLine(), "--bootstrap-server: " + bad.getMessage());
        }
        return builder.build();
    }

    /** Refuses a value below {@code min} as a bad command line. */
    static void atLeast(CommandSpec spec, String option, long value, long min) {
        if (value < min) {
            throw new ParameterException(spec.commandLine(), option + " must be >= " + min + ", got " + value);
        }
    }

    /** The partition, checked against the topic's partition count. */
    static int checkPartition(ClusterMetadata.Topic topic, int partition) {
        if (partition < 0 || partition >= topic.partitions().size()) {
            throw new IllegalArgumentException("topic '" + topic.name() + "' has partitions 0.."
                    + (topic.partitions().size() - 1) + ", there is no partition " + partition);
        }
        return partition;
    }
}
