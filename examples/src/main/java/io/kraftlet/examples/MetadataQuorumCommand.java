package io.kraftlet.examples;

import io.kraftlet.examples.config.ClientConfigParser;
import io.kraftlet.examples.config.ConfigFiles;
import io.kraftlet.examples.config.NodeConfigParser;
import io.kraftlet.examples.describe.QuorumDescribeClient;
import io.kraftlet.examples.describe.QuorumDescriptionFormat;
import io.kraftlet.transport.grpc.HostPort;
import io.kraftlet.transport.grpc.TlsSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code kraftlet metadata-quorum}: inspects a running quorum, as
 * {@code kafka-metadata-quorum} does, over the quorum's own gRPC service (DescribeQuorum).
 */
@Command(name = "metadata-quorum", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Describes the metadata quorum.",
        subcommands = MetadataQuorumCommand.Describe.class,
        footer = {"", "Example:",
                "  kraftlet metadata-quorum --bootstrap-controller 127.0.0.1:9093,127.0.0.1:9094 --cluster-id ID"
                        + " describe --status"})
final class MetadataQuorumCommand implements Runnable {
    /** Deadline of each DescribeQuorum call. */
    static final long DEFAULT_TIMEOUT_MS = 5000;

    @Spec
    private CommandSpec spec;

    // Required, but checked when describe runs rather than by picocli, so `describe --help` works without them.
    @Option(names = "--bootstrap-controller", paramLabel = "HOST:PORT[,HOST:PORT...]",
            description = {"The controllers to ask, comma-separated (required). Only the leader can describe the quorum,"
                    + " and followers do not know its address: list every controller."})
    private String bootstrapControllers;

    @Option(names = "--cluster-id", paramLabel = "ID",
            description = "The cluster id (required); every request carries it and controllers refuse a different one.")
    private String clusterId;

    @Option(names = "--command-config", paramLabel = "FILE",
            description = "Properties for the client: ssl.certificate.file, ssl.key.file and ssl.truststore.file"
                    + " when the quorum runs mutual TLS.")
    private Path commandConfig;

    @Option(names = "--timeout-ms", paramLabel = "MS", defaultValue = "" + DEFAULT_TIMEOUT_MS,
            description = "Deadline of each call (default: ${DEFAULT-VALUE}).")
    private long timeoutMs;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing sub-command: describe");
    }

    private QuorumDescribeClient.Answer describeLeader() {
        if (bootstrapControllers == null || clusterId == null) {
            throw new ParameterException(spec.commandLine(), "Missing required option"
                    + (bootstrapControllers == null ? " '--bootstrap-controller'" : " '--cluster-id'"));
        }
        if (timeoutMs <= 0) {
            throw new ParameterException(spec.commandLine(), "--timeout-ms must be > 0, got " + timeoutMs);
        }
        try {
            NodeConfigParser.checkClusterId(clusterId);
        } catch (IllegalArgumentException bad) {
            throw new ParameterException(spec.commandLine(), "--cluster-id '" + clusterId
                    + "' must be letters, digits, '-' or '_'");
        }
        Optional<TlsSettings> tls = Optional.empty();
        if (commandConfig != null) {
            try {
                tls = ClientConfigParser.parse(ConfigFiles.load(commandConfig));
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException(commandConfig + ": " + bad.getMessage(), bad);
            }
        }
        return new QuorumDescribeClient(clusterId, tls, timeoutMs).describeLeader(controllers());
    }

    private List<HostPort> controllers() {
        List<HostPort> controllers = new ArrayList<>();
        for (String entry : bootstrapControllers.split(",")) {
            try {
                controllers.add(HostPort.parse(entry));
            } catch (IllegalArgumentException bad) {
                throw new ParameterException(spec.commandLine(), "--bootstrap-controller: " + bad.getMessage());
            }
        }
        return controllers;
    }

    /** {@code describe --status | --replication [--human-readable]}. */
    @Command(name = "describe", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Describes the metadata quorum: a summary (--status) or each replica's progress (--replication).")
    static final class Describe implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @ParentCommand
        private MetadataQuorumCommand parent;

        @Option(names = "--status", description = "A short summary of the quorum status.")
        private boolean status;

        @Option(names = "--replication", description = "Detailed information about the status of replication.")
        private boolean replication;

        @Option(names = "--human-readable", description = "With --replication: timestamps as how long ago.")
        private boolean humanReadable;

        @Override
        public Integer call() {
            if (status == replication) {
                throw new ParameterException(spec.commandLine(), status
                        ? "Only one of --status or --replication should be specified with describe sub-command"
                        : "One of --status or --replication must be specified with describe sub-command");
            }
            if (humanReadable && !replication) {
                throw new ParameterException(spec.commandLine(),
                        "The option --human-readable is only supported along with --replication");
            }
            QuorumDescribeClient.Answer answer = parent.describeLeader();
            PrintWriter out = spec.commandLine().getOut();
            out.print(status
                    ? QuorumDescriptionFormat.status(parent.clusterId, answer.description())
                    : QuorumDescriptionFormat.replication(answer.description(), humanReadable, System.currentTimeMillis()));
            out.flush();
            return 0;
        }
    }
}
