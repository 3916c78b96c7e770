package io.kraftlet.examples;

import io.kraftlet.examples.config.ClientConfigParser;
import io.kraftlet.examples.config.ConfigFiles;
import io.kraftlet.examples.admin.ClusterDiscovery;
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
                "  kraftlet metadata-quorum --bootstrap-controller 127.0.0.1:9093,127.0.0.1:9094 describe --status",
                "  kraftlet metadata-quorum --bootstrap-server 127.0.0.1:9092 describe --replication"})
final class MetadataQuorumCommand implements Runnable {
    /** Deadline of each DescribeQuorum call. */
    static final long DEFAULT_TIMEOUT_MS = 5000;

    @Spec
    private CommandSpec spec;

    // One of the two is required, but checked when describe runs rather than by picocli, so `describe --help` works.
    @Option(names = "--bootstrap-controller", paramLabel = "HOST:PORT[,HOST:PORT...]",
            description = {"The controllers to ask, comma-separated (this or --bootstrap-server). Only the leader can"
                    + " describe the quorum, and followers do not know its address: list every controller."})
    private String bootstrapControllers;

    @Option(names = "--bootstrap-server", paramLabel = "HOST:PORT[,HOST:PORT...]",
            description = {"Brokers to ask instead, comma-separated: the first that answers names the active"
                    + " controller, which is then asked."})
    private String bootstrapServers;

    @Option(names = "--cluster-id", paramLabel = "ID",
            description = "The cluster id; every request carries it and controllers refuse a different one"
                    + " (default: asked of the servers).")
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
        if ((bootstrapControllers == null) == (bootstrapServers == null)) {
            throw new ParameterException(spec.commandLine(), bootstrapControllers == null
                    ? "Missing required option '--bootstrap-controller' (or '--bootstrap-server')"
                    : "Only one of --bootstrap-controller or --bootstrap-server may be given");
        }
        if (timeoutMs <= 0 || timeoutMs > Integer.MAX_VALUE) {
            throw new ParameterException(spec.commandLine(), "--timeout-ms must be > 0, got " + timeoutMs);
        }
        if (clusterId != null) {
            try {
                NodeConfigParser.checkClusterId(clusterId);
            } catch (IllegalArgumentException bad) {
                throw new ParameterException(spec.commandLine(), "--cluster-id '" + clusterId
                        + "' must be letters, digits, '-' or '_'");
            }
        }
        Optional<TlsSettings> tls = Optional.empty();
        if (commandConfig != null) {
            try {
                tls = ClientConfigParser.parse(ConfigFiles.load(commandConfig));
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException(commandConfig + ": " + bad.getMessage(), bad);
            }
        }
        List<HostPort> controllers;
        if (bootstrapControllers != null) {
            controllers = addresses("--bootstrap-controller", bootstrapControllers);
            if (clusterId == null) {
                clusterId = ClusterDiscovery.discover(controllers, tls, (int) timeoutMs).clusterId();
            }
        } else {
            List<HostPort> servers = addresses("--bootstrap-server", bootstrapServers);
            ClusterDiscovery.Cluster cluster = ClusterDiscovery.discover(servers, tls, (int) timeoutMs);
            controllers = List.of(cluster.activeController().orElseThrow(() -> new IllegalStateException(
                    "the bootstrap servers know no active controller yet; try again, or use --bootstrap-controller")));
            clusterId = clusterId == null ? cluster.clusterId() : clusterId;
        }
        return new QuorumDescribeClient(clusterId, tls, timeoutMs).describeLeader(controllers);
    }

    private List<HostPort> addresses(String option, String list) {
        List<HostPort> addresses = new ArrayList<>();
        for (String entry : list.split(",")) {
            try {
                addresses.add(HostPort.parse(entry));
            } catch (IllegalArgumentException bad) {
                throw new ParameterException(spec.commandLine(), option + ": " + bad.getMessage());
            }
        }
        return addresses;
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
