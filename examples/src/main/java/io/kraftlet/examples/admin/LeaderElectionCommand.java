package io.kraftlet.examples.admin;

import io.kraftlet.controller.ControllerApi;
import io.kraftlet.controller.ControllerError;
import io.kraftlet.controller.ElectionType;
import io.kraftlet.metadata.TopicPartition;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code kraftlet leader-election}: asks the controller for a preferred or unclean leader election
 * on one partition or on all of them, with the options and output of Kafka's
 * {@code kafka-leader-election}. Partitions that were elected, that needed no election and that
 * failed are reported on their own lines; any failure makes the command exit non-zero.
 */
@Command(name = "leader-election", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Elects partition leaders: the preferred replica, or (unclean) any live replica.",
        footer = {"", "Examples:",
                "  kraftlet leader-election --bootstrap-server 127.0.0.1:9092 --election-type preferred"
                        + " --all-topic-partitions",
                "  kraftlet leader-election --bootstrap-server 127.0.0.1:9092 --election-type unclean"
                        + " --topic topic-p3r3 --partition 0"})
public final class LeaderElectionCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private AdminOptions admin;

    @Option(names = "--election-type", paramLabel = "preferred|unclean",
            description = "The kind of election (required): preferred moves leadership back to the first replica;"
                    + " unclean may pick a replica outside the ISR when the topic allows it.")
    private String electionType;

    @Option(names = "--all-topic-partitions", description = "Elect leaders for every partition that needs one.")
    private boolean allTopicPartitions;

    @Option(names = "--topic", paramLabel = "TOPIC", description = "The topic of the partition to elect (with --partition).")
    private String topic;

    @Option(names = "--partition", paramLabel = "P", description = "The partition to elect (with --topic).")
    private Integer partition;

    @Override
    public Integer call() {
        ElectionType type = checkOptions();
        List<TopicPartition> partitions = allTopicPartitions ? List.of() : List.of(new TopicPartition(topic, partition));
        ControllerApi.ElectLeadersReply reply;
        try (AdminConnection connection = admin.connect(spec)) {
            reply = connection.await(connection.client()
                    .electLeaders(new ControllerApi.ElectLeadersRequest(type, partitions)));
        }
        if (!reply.error().isSuccess()) {
            throw new IllegalStateException("leader election failed: " + reply.error());
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(format(type, reply.partitions()));
        out.flush();
        long failed = reply.partitions().stream().filter(LeaderElectionCommand::isFailure).count();
        if (failed > 0) {
            throw new IllegalStateException(failed + " replica(s) could not be elected");
        }
        return 0;
    }

    private ElectionType checkOptions() {
        if (electionType == null) {
            throw bad("Missing required option: '--election-type'");
        }
        ElectionType type;
        switch (electionType.toLowerCase(Locale.ROOT)) {
            case "preferred":
                type = ElectionType.PREFERRED;
                break;
            case "unclean":
                type = ElectionType.UNCLEAN;
                break;
            default:
                throw bad("--election-type must be preferred or unclean, got '" + electionType + "'");
        }
        boolean onePartition = topic != null || partition != null;
        if (allTopicPartitions == onePartition) {
            throw bad("One and only one of the following options is required: --all-topic-partitions,"
                    + " --topic with --partition");
        }
        if (onePartition && (topic == null || topic.isBlank() || partition == null)) {
            throw bad("--topic and --partition go together");
        }
        if (onePartition && partition < 0) {
            throw bad("--partition must be >= 0, got " + partition);
        }
        admin.servers(spec);
        admin.timeoutMs(spec);
        return type;
    }

    /**
     * Kafka's report: {@code Successfully completed leader election (PREFERRED) for partitions a-0, b-1},
     * {@code Valid replica already elected for partitions ...}, then one
     * {@code Error completing leader election (TYPE) for partition: T-P: ...} line per failure.
     */
    static String format(ElectionType type, List<ControllerApi.ElectionResult> results) {
        List<String> succeeded = new ArrayList<>();
        List<String> notNeeded = new ArrayList<>();
        StringBuilder out = new StringBuilder();
        for (ControllerApi.ElectionResult result : results) {
            if (result.error().isSuccess()) {
                succeeded.add(result.partition().toString());
            } else if (result.error().error() == ControllerError.ELECTION_NOT_NEEDED) {
                notNeeded.add(result.partition().toString());
            }
        }
        if (!succeeded.isEmpty()) {
            out.append("Successfully completed leader election (").append(type).append(") for partitions ")
                    .append(String.join(", ", succeeded)).append('\n');
        }
        if (!notNeeded.isEmpty()) {
            out.append("Valid replica already elected for partitions ").append(String.join(", ", notNeeded))
                    .append('\n');
        }
        out.append(results.stream().filter(LeaderElectionCommand::isFailure)
                .map(result -> "Error completing leader election (" + type + ") for partition: " + result.partition()
                        + ": " + result.error() + "\n")
                .collect(Collectors.joining()));
        return out.toString();
    }

    private static boolean isFailure(ControllerApi.ElectionResult result) {
        return !result.error().isSuccess() && result.error().error() != ControllerError.ELECTION_NOT_NEEDED;
    }

    private ParameterException bad(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
